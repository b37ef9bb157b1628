using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Models.Transformer;
using Sharpformer.Reports;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Reports;

public sealed class AttentionExtractionTests
{
    [Fact]
    public void An_output_that_runs_to_the_length_limit_still_fits_the_model_with_its_bos()
    {
        var tokenizer = CharTokenizer.Build(["山区公路积雪3米,断电,50人被困,急需发电机和医疗队", "派3台除雪车至A7公路,医疗队随行,协调电力公司恢复供电"]);
        var config = new TransformerConfig
        {
            DModel = 16, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, DFf = 32, Dropout = 0f, MaxLength = 12,
            SourceVocab = tokenizer.VocabSize, TargetVocab = tokenizer.VocabSize,
        };
        var network = new Seq2SeqTransformer(config, new Rng(5));
        network.Eval();
        var model = new TranslationModel(config, network, tokenizer, tokenizer);

        var (_, groups) = AttentionExtraction.Extract(model, "积雪3米,断电", new SearchOptions { BeamSize = 2 });

        var cross = groups[^1].Layers[0];
        Assert.Equal(config.MaxLength, cross.QueryTokens.Count); // <bos> and an unfinished output of MaxLength - 1 tokens
        Assert.Equal(8, cross.KeyTokens.Count);
    }
}

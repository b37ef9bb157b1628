using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Decoding;

public sealed class TranslationModelTests
{
    [Fact]
    public void Save_then_load_gives_identical_outputs()
    {
        using var dir = new TemporaryDirectory();
        var tokenizer = CharTokenizer.Build(["积雪3米,断电", "派3台除雪车"]);
        var config = new TransformerConfig
        {
            DModel = 16, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, DFf = 32, Dropout = 0.1f, MaxLength = 32,
            SourceVocab = tokenizer.VocabSize, TargetVocab = tokenizer.VocabSize,
        };
        var network = new Seq2SeqTransformer(config, new Rng(3));
        network.Eval();
        var original = new TranslationModel(config, network, tokenizer, tokenizer);
        original.Save(dir.Path);
        var loaded = TranslationModel.Load(dir.Path);

        var options = new SearchOptions { BeamSize = 3, MaxLength = 10 };
        var lines = new[] { "积雪3米", "断电,派3台" };
        var a = new Translator(original, options).Translate(lines);
        var b = new Translator(loaded, options).Translate(lines);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.Equal(a[i].Tokens, b[i].Tokens);
            Assert.Equal(a[i].Candidates.Select(c => c.Score), b[i].Candidates.Select(c => c.Score));
        }
        Assert.Equal(config, loaded.Config);
    }

    [Fact]
    public void Loading_a_folder_without_weights_names_the_missing_file()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), new TransformerConfig { SourceVocab = 10, TargetVocab = 10 }.ToJson());
        var e = Assert.ThrowsAny<IOException>(() => TranslationModel.Load(dir.Path));
        Assert.Contains("model.safetensors", e.Message);
    }
}

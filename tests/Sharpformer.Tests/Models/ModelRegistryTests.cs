using Sharpformer.Models;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Models;

public sealed class ModelRegistryTests
{
    [Fact]
    public void Every_architecture_name_parses_back_to_itself_and_names_its_cell_and_attention()
    {
        Assert.Equal(1 + 3 * 5, Architecture.All.Count);
        Assert.Equal(Architecture.Names.Count, Architecture.Names.Distinct().Count());
        foreach (var architecture in Architecture.All)
            Assert.Equal(architecture, Architecture.Parse(architecture.Name));
        Assert.True(Architecture.Parse("Transformer").IsTransformer);
        Assert.Equal(Architecture.Recurrent(RecurrentCell.Gru, RecurrentAttention.LuongGeneral), Architecture.Parse("gru-luong-general"));
        Assert.Equal("lstm-bahdanau", Architecture.Recurrent(RecurrentCell.Lstm, RecurrentAttention.Bahdanau).Name);
        var error = Assert.Throws<ArgumentException>(() => Architecture.Parse("lstm-transformer"));
        Assert.Contains("lstm-transformer", error.Message);
        Assert.Contains("gru-luong-concat", error.Message);
    }

    [Fact]
    public void Every_family_reads_its_config_back_from_json_and_builds_its_model()
    {
        var configs = new IModelConfig[]
        {
            new TransformerConfig { DModel = 8, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, DFf = 16, SourceVocab = 9, TargetVocab = 7, MaxLength = 16 },
            new TransformerConfig { Kind = "lm", DModel = 8, Heads = 2, EncoderLayers = 1, DecoderLayers = 0, DFf = 16, SourceVocab = 9, MaxLength = 16 },
            new RecurrentSeq2SeqConfig { EmbeddingDim = 4, HiddenSize = 4, Layers = 1, SourceVocab = 9, TargetVocab = 7 },
        };
        Assert.Equal(ModelRegistry.Families.Select(f => f.Kind), configs.Select(c => c.Kind));
        foreach (var config in configs)
        {
            var read = ModelRegistry.ReadConfig(config.ToJson());
            Assert.Equal(config, read);
            Assert.IsType(ModelRegistry.Get(config.Kind).ConfigType, read);
            Assert.True(ModelRegistry.Build(read, new Rng(1)).ParameterCount > 0);
        }
        Assert.Contains("recurrent", Assert.Throws<ArgumentException>(() => ModelRegistry.Get("cnn")).Message);
    }

    [Fact]
    public void A_translation_config_takes_the_shape_of_its_architecture_and_the_vocabularies()
    {
        var transformer = new TransformerConfig { DModel = 8, Heads = 2, DFf = 16, MaxLength = 20, ShareEmbeddings = true };
        var recurrent = new RecurrentSeq2SeqConfig { HiddenSize = 12 };
        var t = Assert.IsType<TransformerConfig>(ModelRegistry.TranslationConfig(Architecture.Transformer, transformer, recurrent, 30, 40, 0, sharedVocabulary: false));
        Assert.Equal((30, 40, false), (t.SourceVocab, t.TargetVocab, t.ShareEmbeddings));
        var r = Assert.IsType<RecurrentSeq2SeqConfig>(ModelRegistry.TranslationConfig(Architecture.Parse("gru-luong-dot"), transformer, recurrent, 30, 40, 0, false));
        Assert.Equal((RecurrentCell.Gru, RecurrentAttention.LuongDot, 12, 20), (r.Cell, r.Attention, r.HiddenSize, r.MaxLength));
    }
}

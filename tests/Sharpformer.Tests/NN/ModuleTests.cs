using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.NN;

public sealed class ModuleTests
{
    private static TransformerConfig Small(bool tie = false) => new()
    {
        DModel = 8, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, DFf = 16, SourceVocab = 11, TargetVocab = 11,
        ShareEmbeddings = tie, TieOutput = tie, MaxLength = 32,
    };

    [Fact]
    public void Named_parameters_have_hierarchical_dotted_names()
    {
        var names = new Seq2SeqTransformer(Small(), new Rng(1)).NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("encoder.layers.0.self_attn.q_proj.weight", names);
        Assert.Contains("decoder.layers.0.cross_attn.out_proj.bias", names);
        Assert.Contains("decoder.layers.0.feed_forward.linear2.weight", names);
        Assert.Contains("encoder.norm.bias", names);
        Assert.Contains("generator.weight", names);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Parameter_count_matches_the_architecture_formula()
    {
        const int d = 8, ff = 16, v = 11;
        long attention = 4 * (d * d + d), feedForward = d * ff + ff + ff * d + d, norm = 2 * d;
        long encoderLayer = attention + feedForward + 2 * norm, decoderLayer = 2 * attention + feedForward + 3 * norm;
        long expected = 2 * v * d + encoderLayer + decoderLayer + 2 * norm + (d * v + v);
        Assert.Equal(expected, new Seq2SeqTransformer(Small(), new Rng(1)).ParameterCount);
    }

    [Fact]
    public void Three_way_tying_shares_one_matrix_counted_once_but_named_three_times()
    {
        var model = new Seq2SeqTransformer(Small(tie: true), new Rng(1));
        Assert.Same(model.SourceEmbedding.Weight, model.Generator.Weight);
        Assert.Same(model.TargetEmbedding.Weight, model.Generator.Weight);
        var state = model.StateDict();
        Assert.Same(state["src_embed.weight"], state["generator.weight"]);
        Assert.Equal(new Seq2SeqTransformer(Small(), new Rng(1)).ParameterCount - 2 * 11 * 8, model.ParameterCount);
    }

    [Fact]
    public void State_dict_round_trips_into_a_differently_seeded_model()
    {
        var a = new Seq2SeqTransformer(Small(), new Rng(1));
        var b = new Seq2SeqTransformer(Small(), new Rng(2));
        Assert.NotEqual(a.Generator.Weight.ToArray(), b.Generator.Weight.ToArray());
        b.LoadStateDict(a.StateDict());
        foreach (var (name, tensor) in a.StateDict()) Assert.Equal(tensor.ToArray(), b.StateDict()[name].ToArray());
    }

    [Fact]
    public void Loading_a_state_dict_with_wrong_keys_or_shapes_names_them()
    {
        var model = new Seq2SeqTransformer(Small(), new Rng(1));
        var state = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state.Remove("encoder.norm.weight");
        state["extra.weight"] = Tensor.Zeros(2);
        state["generator.bias"] = Tensor.Zeros(5);
        var e = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));
        Assert.Contains("missing keys: encoder.norm.weight", e.Message);
        Assert.Contains("unexpected keys: extra.weight", e.Message);
        Assert.Contains("generator.bias: checkpoint shape [5] vs model shape [11]", e.Message);
    }

    [Fact]
    public void Eval_switches_every_descendant_and_train_switches_back()
    {
        var model = new Seq2SeqTransformer(Small(), new Rng(1));
        model.Eval();
        Assert.All(model.Modules(), m => Assert.False(m.IsTraining));
        model.Train();
        Assert.All(model.Modules(), m => Assert.True(m.IsTraining));
    }

    [Fact]
    public void Same_seed_builds_identical_models()
    {
        var a = new Seq2SeqTransformer(Small(), new Rng(5)).StateDict();
        var b = new Seq2SeqTransformer(Small(), new Rng(5)).StateDict();
        foreach (var (name, tensor) in a) Assert.Equal(tensor.ToArray(), b[name].ToArray());
    }
}

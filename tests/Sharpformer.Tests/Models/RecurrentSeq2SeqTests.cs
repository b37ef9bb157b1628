using Sharpformer.Autograd;
using Sharpformer.Decoding;
using Sharpformer.Models.Recurrent;
using Sharpformer.Tensors;
using static Sharpformer.Tests.Autograd.GradCheck;

namespace Sharpformer.Tests.Models;

public sealed class RecurrentSeq2SeqTests
{
    public static TheoryData<string> Architectures() =>
        new("rnn", "gru", "lstm", "lstm-bahdanau", "gru-bahdanau", "lstm-luong", "gru-luong-dot", "rnn-luong-concat");

    private static RecurrentSeq2Seq Model(string arch, bool bidirectional = true, float dropout = 0f, ulong seed = 1) =>
        new(new RecurrentSeq2SeqConfig
        {
            EmbeddingDim = 6, HiddenSize = 8, Layers = 2, Bidirectional = bidirectional, Dropout = dropout,
            SourceVocab = 12, TargetVocab = 10,
        }.WithArchitecture(arch), new Rng(seed));

    private static readonly IntTensor Source = new([4, 5, 6, 7, 0, 8, 9, 0, 0, 0], 2, 5);
    private static readonly IntTensor Target = new([1, 3, 4, 5, 1, 6, 7, 0], 2, 4);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Stepwise_decoding_reproduces_teacher_forced_logits(string arch)
    {
        var model = Model(arch);
        model.Eval();
        var logits = model.Forward(Source, Target);
        Assert.Equal([2, 4, 10], logits.Shape.ToArray());
        var state = model.Start(Source);
        for (int t = 0; t < 4; t++)
        {
            var step = model.Step(state, new IntTensor([Target.Data[t], Target.Data[4 + t]])).ToArray();
            for (int b = 0; b < 2; b++)
                for (int v = 0; v < 10; v++) Assert.Equal(logits.Data[(b * 4 + t) * 10 + v], step[b * 10 + v], 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Extra_source_padding_changes_nothing(string arch)
    {
        var model = Model(arch);
        model.Eval();
        var a = model.Forward(new IntTensor([4, 5, 6], 1, 3), new IntTensor([1, 3], 1, 2)).ToArray();
        var b = model.Forward(new IntTensor([4, 5, 6, 0, 0], 1, 5), new IntTensor([1, 3], 1, 2)).ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 1e-5);
    }

    [Theory]
    [InlineData("lstm-bahdanau")]
    [InlineData("gru-luong")]
    [InlineData("rnn")]
    public void Gradients_of_the_decoder_side_match_finite_differences(string arch)
    {
        var model = Model(arch, bidirectional: true, seed: 3);
        var checkedWeights = model.Combine is null ? [model.Generator.Weight] : new[] { model.Combine.Weight, model.HiddenBridge!.Weight };
        Check(_ => model.Forward(Source, Target), checkedWeights);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Training_lowers_the_loss_and_beam_of_one_equals_greedy(string arch)
    {
        var model = Model(arch, bidirectional: false, seed: 4);
        var optimizer = new Sharpformer.Training.Adam(model.NamedParameters());
        var labels = new IntTensor([3, 4, 5, 2, 6, 7, 2, 0], 2, 4);
        float first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            using var scope = new TensorScope();
            optimizer.ZeroGrad();
            var loss = model.Loss(model.Forward(Source, Target), labels);
            loss.Backward();
            optimizer.Step(0.02f);
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < 0.5f * first, $"{arch}: loss {first} -> {last}");
        model.Eval();
        var options = new SearchOptions { BeamSize = 1, MaxLength = 6 };
        var greedy = GreedySearch.Decode(model, Source, options);
        var beam = BeamSearch.Decode(model, Source, options);
        for (int s = 0; s < 2; s++) Assert.Equal(greedy[s].Tokens, beam[s][0].Tokens);
    }

    [Fact]
    public void Architecture_names_map_to_cells_and_attention_and_bad_ones_are_named()
    {
        var config = new RecurrentSeq2SeqConfig().WithArchitecture("gru-luong-dot");
        Assert.Equal(RecurrentCell.Gru, config.Cell);
        Assert.Equal(RecurrentAttention.LuongDot, config.Attention);
        Assert.Contains("transformerx", Assert.Throws<ArgumentException>(() => new RecurrentSeq2SeqConfig().WithArchitecture("transformerx")).Message);
        Assert.Equal(config, RecurrentSeq2SeqConfig.FromJson(config.ToJson()));
    }
}

using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Models;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Decoding;

public sealed class EnsembleTests
{
    private static Seq2SeqTransformer Transformer(int seed)
    {
        var model = new Seq2SeqTransformer(new TransformerConfig
        {
            DModel = 16, Heads = 2, EncoderLayers = 2, DecoderLayers = 2, DFf = 32, SourceVocab = 12, TargetVocab = 10,
            Dropout = 0f, MaxLength = 64,
        }, new Rng((ulong)seed));
        model.Eval();
        return model;
    }

    private static RecurrentSeq2Seq Recurrent(int seed)
    {
        var model = new RecurrentSeq2Seq(new RecurrentSeq2SeqConfig
        {
            EmbeddingDim = 6, HiddenSize = 8, Layers = 2, Bidirectional = true, Dropout = 0f, SourceVocab = 12, TargetVocab = 10,
        }.WithArchitecture("gru-bahdanau"), new Rng((ulong)seed));
        model.Eval();
        return model;
    }

    private static readonly IntTensor Source = new([4, 5, 6, 7, 0, 8, 9, 10, 11, 3, 5, 5, 0, 0, 0], 3, 5);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void An_ensemble_of_a_model_with_itself_searches_like_the_model(int beam)
    {
        var model = Transformer(2);
        var options = new SearchOptions { BeamSize = beam, MaxLength = 12 };
        var alone = BeamSearch.Decode(model, Source, options);
        HypothesisAssert.Same(alone, BeamSearch.Decode(new Ensemble([model, model]), Source, options));
    }

    [Fact]
    public void Each_step_and_the_teacher_forced_output_are_the_mean_of_the_members_log_probabilities()
    {
        var a = Transformer(3);
        var b = Recurrent(4);
        var ensemble = new Ensemble([a, b]);
        using var _ = GradMode.NoGrad();
        var target = new IntTensor([1, 5, 6, 1, 7, 8, 1, 9, 9], 3, 3);
        var expected = Mean(Ops.LogSoftmax(a.Forward(Source, target)), Ops.LogSoftmax(b.Forward(Source, target)));
        Assert.Equal(expected, ensemble.Forward(Source, target).ToArray(), new Tolerance(1e-5f));

        var (stateA, stateB, state) = (a.Start(Source), b.Start(Source), ensemble.Start(Source));
        state.Reorder(new IntTensor([2, 0, 0])); // reordering reaches every member
        stateA.Reorder(new IntTensor([2, 0, 0]));
        stateB.Reorder(new IntTensor([2, 0, 0]));
        foreach (int token in new[] { 1, 6, 7 })
        {
            var previous = new IntTensor([token, token, token]);
            var step = Mean(Ops.LogSoftmax(a.Step(stateA, previous)), Ops.LogSoftmax(b.Step(stateB, previous)));
            Assert.Equal(step, ensemble.Step(state, previous).ToArray(), new Tolerance(1e-5f));
        }
    }

    [Fact]
    public void Members_with_different_vocabularies_are_refused_naming_the_member()
    {
        TranslationModel Wrap(Seq2SeqTransformer network, string letters) => new(network.Config, network,
            CharTokenizer.Build([letters]), WordTokenizer.Build(["a b c d e f"]));
        var first = Wrap(Transformer(1), "abcdefgh");
        var same = Wrap(Transformer(2), "abcdefgh");
        var other = Wrap(Transformer(3), "abcdefgz");
        Assert.IsType<Ensemble>(TranslationModel.Ensemble([first, same]).Network);
        var error = Assert.Throws<ArgumentException>(() => TranslationModel.Ensemble([first, other], ["runs/a", "runs/b"]));
        Assert.Contains("runs/b", error.Message);
        Assert.Contains("source vocabulary", error.Message);
    }

    private static float[] Mean(Tensor x, Tensor y) => x.ToArray().Zip(y.ToArray(), (p, q) => (p + q) / 2).ToArray();

    private sealed class Tolerance(float epsilon) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(float value) => 0;
    }
}

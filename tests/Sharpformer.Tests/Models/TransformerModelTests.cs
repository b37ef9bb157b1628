using Sharpformer.Autograd;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Models;

public sealed class TransformerModelTests
{
    private static TransformerConfig Config(bool normFirst = false) => new()
    {
        DModel = 12, Heads = 3, EncoderLayers = 2, DecoderLayers = 2, DFf = 20, SourceVocab = 13, TargetVocab = 9,
        Dropout = 0f, NormFirst = normFirst, MaxLength = 64,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Seq2seq_logits_ignore_source_padding_and_future_target_tokens(bool normFirst)
    {
        var model = new Seq2SeqTransformer(Config(normFirst), new Rng(1));
        var source = new IntTensor([3, 4, 5, 0, 0, 6, 7, 8, 9, 10], 2, 5);
        var target = new IntTensor([1, 2, 3, 4, 1, 5, 6, 7], 2, 4);
        var logits = model.Forward(source, target);
        Assert.Equal([2, 4, 9], logits.Shape.ToArray());

        var otherPadding = new IntTensor([3, 4, 5, 0, 0, 6, 7, 8, 9, 10], 2, 5);
        var changedFuture = new IntTensor([1, 2, 8, 8, 1, 5, 6, 7], 2, 4);
        var a = logits.ToArray();
        var b = model.Forward(otherPadding, changedFuture).ToArray();
        Assert.Equal(a[..(2 * 9)], b[..(2 * 9)]);       // first sequence, positions 0-1: unaffected by positions 2-3
        Assert.NotEqual(a[(2 * 9)..(4 * 9)], b[(2 * 9)..(4 * 9)]);
        Assert.Equal(a[(4 * 9)..], b[(4 * 9)..]);       // second sequence unchanged
    }

    [Fact]
    public void Padding_a_source_sequence_further_does_not_change_its_translation_logits()
    {
        var model = new Seq2SeqTransformer(Config(), new Rng(2));
        var target = new IntTensor([1, 2, 3], 1, 3);
        var shortSource = model.Forward(new IntTensor([3, 4, 5], 1, 3), target).ToArray();
        var padded = model.Forward(new IntTensor([3, 4, 5, 0, 0, 0], 1, 6), target).ToArray();
        for (int i = 0; i < shortSource.Length; i++) Assert.Equal(shortSource[i], padded[i], 2e-5); // summation order may differ
    }

    [Fact]
    public void Training_reduces_the_loss_on_a_copy_task()
    {
        var rng = new Rng(3);
        var model = new Seq2SeqTransformer(Config() with { SourceVocab = 9 }, rng);
        var source = new IntTensor([3, 4, 5, 6, 7, 8, 5, 4], 2, 4);
        var input = new IntTensor([1, 3, 4, 5, 1, 7, 8, 5], 2, 4);
        var labels = new IntTensor([3, 4, 5, 6, 7, 8, 5, 4], 2, 4);
        float first = 0, last = 0;
        for (int step = 0; step < 40; step++)
        {
            using var scope = new TensorScope();
            model.ZeroGrad();
            var loss = model.Loss(model.Forward(source, input), labels);
            loss.Backward();
            foreach (var p in model.Parameters())
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(p.Grad!.Data, -0.05f, p.Data, p.Data);
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first * 0.3f, $"loss went from {first} to {last}");
    }

    [Fact]
    public void Language_model_is_causal()
    {
        var model = new TransformerLanguageModel(Config() with { DecoderLayers = 0 }, new Rng(4));
        var a = model.Forward(new IntTensor([5, 6, 7, 8], 1, 4)).ToArray();
        var b = model.Forward(new IntTensor([5, 6, 1, 2], 1, 4)).ToArray();
        Assert.Equal(a[..(2 * 13)], b[..(2 * 13)]);
        Assert.NotEqual(a[(2 * 13)..], b[(2 * 13)..]);
    }

    [Theory]
    [InlineData(ClassifierHead.MeanPooled)]
    [InlineData(ClassifierHead.FirstToken)]
    public void Sequence_classifier_ignores_padding(ClassifierHead head)
    {
        var model = new TransformerEncoderClassifier(Config() with { DecoderLayers = 0 }, 4, head, new Rng(5));
        var a = model.Forward(new IntTensor([5, 6, 7], 1, 3)).ToArray();
        var b = model.Forward(new IntTensor([5, 6, 7, 0, 0], 1, 5)).ToArray();
        Assert.Equal(4, a.Length);
        for (int i = 0; i < 4; i++) Assert.Equal(a[i], b[i], 2e-5);
    }

    [Fact]
    public void Tagger_gives_one_prediction_per_token()
    {
        var model = new TransformerEncoderClassifier(Config() with { DecoderLayers = 0 }, 5, ClassifierHead.PerToken, new Rng(6));
        Assert.Equal([2, 3, 5], model.Forward(new IntTensor([1, 2, 3, 4, 5, 0], 2, 3)).Shape.ToArray());
    }

    [Fact]
    public void Dropout_in_training_mode_is_seeded_and_off_in_eval_mode()
    {
        var config = Config() with { Dropout = 0.3f };
        var source = new IntTensor([3, 4, 5, 6], 1, 4);
        var target = new IntTensor([1, 2, 3], 1, 3);
        var a = new Seq2SeqTransformer(config, new Rng(7)).Forward(source, target).ToArray();
        var b = new Seq2SeqTransformer(config, new Rng(7)).Forward(source, target).ToArray();
        Assert.Equal(a, b);
        var model = new Seq2SeqTransformer(config, new Rng(7));
        model.Eval();
        Assert.Equal(model.Forward(source, target).ToArray(), model.Forward(source, target).ToArray());
        Assert.NotEqual(a, model.Forward(source, target).ToArray());
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_are_named()
    {
        var model = new Seq2SeqTransformer(Config(), new Rng(1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new IntTensor([3, 99], 1, 2), new IntTensor([1], 1, 1)));
        Assert.Contains("token id 99 at [0, 1]", e.Message);
    }

    [Fact]
    public void Config_round_trips_through_json_with_pytorch_names_and_rejects_typos()
    {
        var config = Config(normFirst: true) with { Activation = Activation.Gelu };
        var json = config.ToJson();
        Assert.Contains("\"nhead\": 3", json);
        Assert.Contains("\"activation\": \"gelu\"", json);
        Assert.Equal(config, TransformerConfig.FromJson(json));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => TransformerConfig.FromJson("{\"d_modle\": 3}"));
    }
}

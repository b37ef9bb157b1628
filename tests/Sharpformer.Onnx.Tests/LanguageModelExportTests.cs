using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sharpformer.Autograd;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Onnx.Tests;

/// <summary>The exported decoder-only language model, run by ONNX Runtime, against our own forward pass.</summary>
public sealed class LanguageModelExportTests
{
    [Theory]
    [InlineData(true, Activation.Relu, false, false)]   // pre-norm, sinusoids
    [InlineData(false, Activation.Gelu, true, true)]    // post-norm, GELU, learned positions, output tied to the embeddings
    public void Logits_at_every_position_match_ours_on_a_right_padded_batch(bool normFirst, Activation activation, bool learnedPositions, bool tieOutput)
    {
        var config = new TransformerConfig
        {
            DModel = 16, Heads = 2, EncoderLayers = 2, DFf = 32, Dropout = 0.1f, MaxLength = 12, SourceVocab = 23,
            NormFirst = normFirst, Activation = activation, LearnedPositions = learnedPositions, TieOutput = tieOutput,
        };
        var model = new TransformerLanguageModel(config, new Rng(5));
        model.Eval();
        using var folder = new ExportFolder();
        string file = Path.Combine(folder.Parent, "language_model.onnx");
        OnnxExporter.Export(model, file);

        int[] ids = [5, 6, 7, 8, 9, 10, 11, 12, config.PadId, config.PadId, config.PadId, config.PadId, 20, 21, 22, 4, 3, config.PadId];
        using var noGrad = GradMode.NoGrad();
        var ours = model.Forward(new IntTensor(ids, 3, 6)).Data.ToArray();
        using var session = new InferenceSession(file);
        using var outputs = session.Run([NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids.Select(i => (long)i).ToArray(), [3, 6]))]);
        var logits = outputs.Single(o => o.Name == "logits").AsTensor<float>();
        Assert.Equal([3, 6, 23], logits.Dimensions.ToArray());
        var theirs = logits.ToArray();
        float scale = Math.Max(1f, ours.Max(MathF.Abs));
        for (int i = 0; i < ours.Length; i++)
            Assert.True(MathF.Abs(ours[i] - theirs[i]) <= 1e-4f * scale, $"logits[{i / 23 / 6}, {i / 23 % 6}, {i % 23}]: ours {ours[i]}, ONNX Runtime {theirs[i]}");
    }

    [Theory]
    [InlineData(true, false)]   // pre-norm, sinusoids
    [InlineData(false, true)]   // post-norm, learned positions
    public void The_cached_graph_fed_a_prompt_then_one_token_at_a_time_gives_our_logits_at_every_position(bool normFirst, bool learnedPositions)
    {
        var config = new TransformerConfig
        {
            DModel = 16, Heads = 2, EncoderLayers = 2, DFf = 32, Dropout = 0.1f, MaxLength = 12, SourceVocab = 23,
            NormFirst = normFirst, LearnedPositions = learnedPositions,
        };
        var model = new TransformerLanguageModel(config, new Rng(6));
        model.Eval();
        using var folder = new ExportFolder();
        string file = Path.Combine(folder.Parent, "language_model_step.onnx");
        OnnxExporter.Export(model, file, withPast: true);

        const int rows = 3, length = 6, vocab = 23, heads = 2, dk = 8;
        int[] ids = [5, 6, 7, 8, 9, 10, 11, 12, config.PadId, config.PadId, config.PadId, config.PadId, 20, 21, 22, 4, 3, config.PadId];
        using var noGrad = GradMode.NoGrad();
        var ours = model.Forward(new IntTensor(ids, rows, length)).Data.ToArray();
        using var session = new InferenceSession(file);
        var past = Enumerable.Range(0, 2).SelectMany(i => new[] { $"past_key_{i}", $"past_value_{i}" })
            .ToDictionary(n => n, _ => new DenseTensor<float>(new[] { rows, heads, 0, dk }));
        // The prompt is the first 3 tokens; then one token per call.
        foreach (var (start, end) in new[] { (0, 3), (3, 4), (4, 5), (5, 6) })
        {
            long[] Columns(int from, int to, Func<int, long> value) =>
                [.. Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(from, to - from).Select(t => value(ids[(r * length) + t])))];
            var inputs = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(Columns(start, end, id => id), [rows, end - start])),
                NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Columns(0, end, id => id == config.PadId ? 0 : 1), [rows, end])),
            };
            inputs.AddRange(past.Select(p => NamedOnnxValue.CreateFromTensor(p.Key, p.Value)));
            using var outputs = session.Run(inputs);
            var logits = outputs.Single(o => o.Name == "logits").AsTensor<float>();
            Assert.Equal([rows, end - start, vocab], logits.Dimensions.ToArray());
            float scale = Math.Max(1f, ours.Max(MathF.Abs));
            for (int r = 0; r < rows; r++)
                for (int t = start; t < end; t++)
                    for (int v = 0; v < vocab; v++)
                    {
                        float expected = ours[(((r * length) + t) * vocab) + v], actual = logits[r, t - start, v];
                        Assert.True(MathF.Abs(expected - actual) <= 1e-4f * scale, $"logits[{r}, {t}, {v}]: ours {expected}, ONNX Runtime {actual}");
                    }
            foreach (var name in past.Keys.ToList())
            {
                var present = outputs.Single(o => o.Name == name.Replace("past", "present", StringComparison.Ordinal)).AsTensor<float>();
                Assert.Equal(end, present.Dimensions[2]);
                past[name] = new DenseTensor<float>(present.ToArray(), present.Dimensions);
            }
        }
    }

    [Fact]
    public void An_opset_below_17_is_refused()
    {
        var model = new TransformerLanguageModel(new TransformerConfig { DModel = 8, Heads = 2, EncoderLayers = 1, DFf = 16, SourceVocab = 9 }, new Rng(1));
        using var folder = new ExportFolder();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.Export(model, Path.Combine(folder.Parent, "lm.onnx"), opset: 13));
        Assert.Contains("opset 13", error.Message);
        Assert.Empty(Directory.GetFiles(folder.Parent));
    }
}

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Models;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Onnx.Tests;

/// <summary>The exported encoder and decoder-step graphs, run by ONNX Runtime, against our own encoder and cached decoding.</summary>
public sealed class Seq2SeqTransformerExportTests
{
    private static readonly string[] Corpus = ["the cat sat on the mat", "a dog", "snow 3 m, power out", "send 3 ploughs now please"];

    public static TheoryData<bool, Activation, bool> Variants() => new()
    {
        { true, Activation.Relu, false },   // pre-norm (the g2p recipe)
        { false, Activation.Relu, false },  // post-norm (the paper)
        { false, Activation.Gelu, true },   // GELU, learned positions
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Encoder_and_cached_decoder_steps_match_ours_on_a_padded_batch_and_on_batch_1(bool normFirst, Activation activation, bool learnedPositions)
    {
        var model = TinyModel(normFirst, activation, learnedPositions);
        using var folder = new ExportFolder();
        OnnxExporter.Export(model, folder.Path);
        using var encoder = new InferenceSession(Path.Combine(folder.Path, OnnxExporter.EncoderFile));
        using var step = new InferenceSession(Path.Combine(folder.Path, OnnxExporter.DecoderStepFile));

        foreach (var lines in new[] { Corpus.Concat(["x", "mat cat", "on"]).ToArray(), ["a dog"] })
        {
            var source = Batch(model.SourceTokenizer, lines);
            var network = (Seq2SeqTransformer)model.Network;
            using var noGrad = GradMode.NoGrad();
            using var scope = new TensorScope();
            var state = (TransformerDecoderState)network.Start(source);
            var (memory, encoderOutputs) = RunEncoder(encoder, source);
            AssertClose(state.Memory.Data.ToArray(), memory, "memory");

            var past = Enumerable.Range(0, network.Config.DecoderLayers)
                .SelectMany(i => new[] { $"past_key_{i}", $"past_value_{i}" })
                .ToDictionary(n => n, _ => new DenseTensor<float>(new[] { lines.Length, network.Config.Heads, 0, network.Config.DModel / network.Config.Heads }));
            int[] previous = [.. Enumerable.Repeat(SpecialTokens.Bos, lines.Length)];
            for (int t = 0; t < 6; t++)
            {
                var ours = network.Step(state, new IntTensor(previous, lines.Length)).Data.ToArray();
                var inputs = new List<NamedOnnxValue>
                {
                    NamedOnnxValue.CreateFromTensor("prev_ids", new DenseTensor<long>(previous.Select(p => (long)p).ToArray(), [lines.Length, 1])),
                    NamedOnnxValue.CreateFromTensor("src_mask", Mask(source)),
                };
                inputs.AddRange(past.Select(p => NamedOnnxValue.CreateFromTensor(p.Key, p.Value)));
                inputs.AddRange(encoderOutputs.Where(o => o.Name.StartsWith("cross_", StringComparison.Ordinal)));
                using var outputs = step.Run(inputs);
                AssertClose(ours, outputs.Single(o => o.Name == "logits").AsTensor<float>().ToArray(), $"logits at step {t}");
                foreach (var name in past.Keys.ToList())
                {
                    var present = outputs.Single(o => o.Name == name.Replace("past", "present", StringComparison.Ordinal)).AsTensor<float>();
                    Assert.Equal(t + 1, present.Dimensions[2]);
                    past[name] = new DenseTensor<float>(present.ToArray(), present.Dimensions);
                }
                // Teacher-force a fixed, varied continuation so rows differ.
                previous = [.. previous.Select((_, row) => 4 + ((row + (3 * t)) % (model.TargetTokenizer.VocabSize - 4)))];
            }
        }
    }

    [Fact]
    public void The_folder_holds_graphs_config_tokenizers_and_a_description_of_the_inputs_and_outputs()
    {
        var model = TinyModel(normFirst: true, Activation.Relu, learnedPositions: false);
        using var folder = new ExportFolder();
        OnnxExporter.Export(model, folder.Path);
        Assert.Equal(["config.json", "decoder_step.onnx", "encoder.onnx", "model.onnx.json", "tokenizer.source.json", "tokenizer.target.json"],
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
        Assert.Equal([Path.GetFileName(folder.Path)], Directory.GetFileSystemEntries(folder.Parent).Select(Path.GetFileName)); // no staging folder left
        var description = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, OnnxExporter.DescriptionFile))).RootElement;
        var step = description.GetProperty("graphs").GetProperty("decoder_step");
        Assert.Equal(["prev_ids", "src_mask", "past_key_0", "past_value_0", "cross_key_0", "cross_value_0", "past_key_1", "past_value_1", "cross_key_1", "cross_value_1"],
            step.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(["\"batch\"", "2", "\"past_len\"", "8"], step.GetProperty("inputs")[2].GetProperty("shape").EnumerateArray().Select(d => d.GetRawText()));
        Assert.Equal(SpecialTokens.Eos, description.GetProperty("special_tokens").GetProperty("eos").GetInt32());
        using var session = new InferenceSession(Path.Combine(folder.Path, OnnxExporter.EncoderFile));
        Assert.Equal(["memory", "cross_key_0", "cross_value_0", "cross_key_1", "cross_value_1"], session.OutputNames);
    }

    [Fact]
    public void Exporting_again_replaces_the_folder_and_a_refused_export_leaves_nothing_behind()
    {
        var model = TinyModel(normFirst: true, Activation.Relu, learnedPositions: false);
        using var folder = new ExportFolder();
        OnnxExporter.Export(model, folder.Path);
        File.WriteAllText(Path.Combine(folder.Path, "stale.txt"), "from before");
        OnnxExporter.Export(model, folder.Path);
        Assert.False(File.Exists(Path.Combine(folder.Path, "stale.txt")));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.Export(model, folder.Path + "-old", opset: 16));
        Assert.Contains("opset 16", error.Message);
        var recurrent = RecurrentModel();
        var refused = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(recurrent, folder.Path + "-rnn", computeType: ComputeType.Int8));
        Assert.Contains("int8 graphs cover the Transformer", refused.Message);
        Assert.Equal([Path.GetFileName(folder.Path)], Directory.GetFileSystemEntries(folder.Parent).Select(Path.GetFileName));
    }

    [Fact]
    public void Int8_graphs_use_onnx_runtime_quantization_and_their_logits_stay_close_to_float32()
    {
        var model = TinyModel(normFirst: true, Activation.Relu, learnedPositions: false);
        var network = (Seq2SeqTransformer)model.Network;
        using var folder = new ExportFolder();
        OnnxExporter.Export(model, folder.Path, computeType: ComputeType.Int8);
        string decoderGraph = System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(folder.Path, OnnxExporter.DecoderStepFile)));
        Assert.Contains("MatMulInteger", decoderGraph);
        Assert.Contains("DynamicQuantizeLinear", decoderGraph);

        var source = Batch(model.SourceTokenizer, Corpus);
        var bos = new IntTensor([.. Enumerable.Repeat(SpecialTokens.Bos, Corpus.Length)], Corpus.Length);
        using var noGrad = GradMode.NoGrad();
        using var scope = new TensorScope();
        var expected = network.Step(network.Start(source), bos).Data.ToArray();
        using var onnx = new OnnxSeq2SeqModel(folder.Path, network.Config);
        var actual = onnx.Step(onnx.Start(source), bos).Data.ToArray();
        float scale = expected.Max(MathF.Abs);
        for (int i = 0; i < expected.Length; i++) Assert.True(MathF.Abs(expected[i] - actual[i]) <= 0.05f * scale, $"logit {i}: float32 {expected[i]}, ONNX Runtime int8 {actual[i]}");
        Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model, folder.Path + "-bf16", computeType: ComputeType.BFloat16));
    }

    private static TranslationModel TinyModel(bool normFirst, Activation activation, bool learnedPositions)
    {
        var tokenizer = WordTokenizer.Build(Corpus);
        var config = new TransformerConfig
        {
            DModel = 16, Heads = 2, EncoderLayers = 2, DecoderLayers = 2, DFf = 32, Dropout = 0.1f, MaxLength = 32,
            SourceVocab = tokenizer.VocabSize, TargetVocab = tokenizer.VocabSize, NormFirst = normFirst, Activation = activation,
            LearnedPositions = learnedPositions,
        };
        var network = new Seq2SeqTransformer(config, new Rng(7));
        network.Eval();
        return new TranslationModel(config, network, tokenizer, tokenizer);
    }

    private static TranslationModel RecurrentModel()
    {
        var tokenizer = WordTokenizer.Build(Corpus);
        var config = new Models.Recurrent.RecurrentSeq2SeqConfig { EmbeddingDim = 8, HiddenSize = 8, SourceVocab = tokenizer.VocabSize, TargetVocab = tokenizer.VocabSize };
        var network = (ISeq2SeqModel)ModelRegistry.Build(config, new Rng(1));
        return new TranslationModel(config, network, tokenizer, tokenizer);
    }

    private static IntTensor Batch(ITokenizer tokenizer, string[] lines)
    {
        var rows = lines.Select(l => tokenizer.Encode(l)).ToArray();
        int width = rows.Max(r => r.Length);
        var ids = new int[lines.Length * width]; // padding is id 0
        for (int r = 0; r < rows.Length; r++) rows[r].CopyTo(ids, r * width);
        return new IntTensor(ids, lines.Length, width);
    }

    private static DenseTensor<long> Mask(IntTensor source) =>
        new(source.Data.Select(id => id == SpecialTokens.Pad ? 0L : 1L).ToArray(), [source.Shape[0], source.Shape[1]]);

    private static (float[] Memory, List<NamedOnnxValue> Outputs) RunEncoder(InferenceSession encoder, IntTensor source)
    {
        var ids = new DenseTensor<long>(source.Data.Select(i => (long)i).ToArray(), [source.Shape[0], source.Shape[1]]);
        using var results = encoder.Run([NamedOnnxValue.CreateFromTensor("src_ids", ids), NamedOnnxValue.CreateFromTensor("src_mask", Mask(source))]);
        var copies = results.Select(r =>
        {
            var t = r.AsTensor<float>();
            return NamedOnnxValue.CreateFromTensor(r.Name, new DenseTensor<float>(t.ToArray(), t.Dimensions));
        }).ToList();
        return (copies[0].AsTensor<float>().ToArray(), copies);
    }

    /// <summary>Equal within 1e-4 of the largest magnitude (the tolerance, relative to the values' scale).</summary>
    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1f, expected.Max(MathF.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-4f * scale, $"{what}[{i}]: ours {expected[i]}, ONNX Runtime {actual[i]}");
    }
}

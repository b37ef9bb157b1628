using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Onnx.Tests;

/// <summary>Our greedy and beam search driven by ONNX Runtime on the exported graphs, against the same search on our engine.</summary>
public sealed class OnnxSeq2SeqModelTests
{
    private static readonly string[] Words = ["snow", "3", "m", "power", "out", "send", "ploughs", "road", "A7", "clinic", "team", "now", "blocked"];

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Translations_of_200_lines_are_identical_token_for_token_with_the_same_scores(int beam)
    {
        var ours = TinyModel();
        using var folder = new ExportFolder();
        OnnxExporter.Export(ours, folder.Path);
        var onnx = OnnxSeq2SeqModel.Load(folder.Path);
        try
        {
            var rng = new Random(5);
            var lines = Enumerable.Range(0, 200).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(1, 9)).Select(_ => Words[rng.Next(Words.Length)]))).ToArray();
            var options = new SearchOptions { BeamSize = beam, MaxLength = 12 };
            var expected = new Translator(ours, options, batchSize: 7).Translate(lines);
            var actual = new Translator(onnx, options, batchSize: 7).Translate(lines);
            for (int i = 0; i < lines.Length; i++)
            {
                Assert.True(expected[i].Tokens.SequenceEqual(actual[i].Tokens), $"line {i} '{lines[i]}': ours {string.Join(' ', expected[i].Tokens)}, ONNX Runtime {string.Join(' ', actual[i].Tokens)}");
                Assert.Equal(expected[i].Candidates.Count, actual[i].Candidates.Count);
                for (int c = 0; c < expected[i].Candidates.Count; c++)
                    Assert.True(Math.Abs(expected[i].Candidates[c].Score - actual[i].Candidates[c].Score) < 1e-4, $"line {i}, candidate {c}");
            }
            Assert.Contains(expected, t => t.Tokens.Length > 3); // the test decodes real sequences, not only an immediate end
        }
        finally
        {
            ((OnnxSeq2SeqModel)onnx.Network).Dispose();
        }
    }

    [Fact]
    public void Teacher_forced_scoring_gives_our_loss()
    {
        var ours = TinyModel();
        using var folder = new ExportFolder();
        OnnxExporter.Export(ours, folder.Path);
        var onnx = OnnxSeq2SeqModel.Load(folder.Path);
        try
        {
            var source = new IntTensor([5, 6, 7, 2, 8, 9, 2, 0], 2, 4);
            var input = new IntTensor([1, 10, 11, 1, 12, 0], 2, 3);
            var labels = new IntTensor([10, 11, 2, 12, 2, 0], 2, 3);
            using var noGrad = Autograd.GradMode.NoGrad();
            float expected = ours.Network.Loss(ours.Network.Forward(source, input), labels).Item();
            float actual = onnx.Network.Loss(onnx.Network.Forward(source, input), labels).Item();
            Assert.Equal(expected, actual, 1e-4f);
        }
        finally
        {
            ((OnnxSeq2SeqModel)onnx.Network).Dispose();
        }
    }

    [Fact]
    public void Loading_a_folder_that_is_not_an_export_names_what_is_missing()
    {
        using var folder = new ExportFolder();
        Directory.CreateDirectory(folder.Path);
        var error = Assert.Throws<InvalidDataException>(() => OnnxSeq2SeqModel.Load(folder.Path));
        Assert.Contains("model.onnx.json", error.Message);
        Assert.Throws<DirectoryNotFoundException>(() => OnnxSeq2SeqModel.Load(Path.Combine(folder.Path, "absent")));
    }

    [Fact]
    public void Cache_values_a_search_leaves_undisposed_are_freed_by_their_finalizer()
    {
        // The searches do not dispose decoder states; OnnxDecoderState relies on OrtValue's own finalizer for its last values.
        var finalizer = typeof(Microsoft.ML.OnnxRuntime.OrtValue).GetMethod("Finalize", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
        Assert.Equal(typeof(Microsoft.ML.OnnxRuntime.OrtValue), finalizer?.DeclaringType);
    }

    private static TranslationModel TinyModel()
    {
        var tokenizer = WordTokenizer.Build([string.Join(' ', Words)]);
        var config = new TransformerConfig
        {
            DModel = 32, Heads = 4, EncoderLayers = 2, DecoderLayers = 2, DFf = 64, Dropout = 0f, MaxLength = 32,
            SourceVocab = tokenizer.VocabSize, TargetVocab = tokenizer.VocabSize, NormFirst = true, Activation = Activation.Gelu,
        };
        var network = new Seq2SeqTransformer(config, new Rng(11));
        network.Eval();
        return new TranslationModel(config, network, tokenizer, tokenizer);
    }
}

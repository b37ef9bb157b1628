using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Models;
using Sharpformer.Models.Recurrent;
using Sharpformer.Tensors;

namespace Sharpformer.Onnx.Tests;

/// <summary>The recurrent encoder-decoders exported to ONNX and run by ONNX Runtime, against our own engine.</summary>
public sealed class RecurrentSeq2SeqExportTests
{
    private static readonly string[] Words = ["snow", "3", "m", "power", "out", "send", "ploughs", "road", "A7", "clinic", "team", "now", "blocked"];

    public static TheoryData<RecurrentCell, RecurrentAttention, bool, bool> Variants() => new()
    {
        { RecurrentCell.Lstm, RecurrentAttention.None, true, true },          // Sutskever: bridged bidirectional state only
        { RecurrentCell.Gru, RecurrentAttention.Bahdanau, true, true },       // the g2p baseline
        { RecurrentCell.Lstm, RecurrentAttention.Bahdanau, true, true },
        { RecurrentCell.Rnn, RecurrentAttention.LuongDot, true, true },       // dot over a projected bidirectional memory
        { RecurrentCell.Gru, RecurrentAttention.LuongGeneral, false, true },  // unidirectional encoder
        { RecurrentCell.Lstm, RecurrentAttention.LuongConcat, true, false },  // without input feeding
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Step_logits_and_greedy_and_beam_translations_match_ours(RecurrentCell cell, RecurrentAttention attention, bool bidirectional, bool inputFeeding)
    {
        var ours = TinyModel(cell, attention, bidirectional, inputFeeding);
        using var folder = new ExportFolder();
        OnnxExporter.Export(ours, folder.Path);
        var onnx = OnnxSeq2SeqModel.Load(folder.Path);
        try
        {
            // Teacher-forced logits of every step on a padded batch, within 1e-4 of the logits' scale.
            var source = new IntTensor([5, 6, 7, 8, 2, 9, 2, 0, 0, 0, 10, 11, 12, 2, 0], 3, 5);
            var input = new IntTensor([1, 10, 11, 12, 1, 12, 0, 0, 1, 4, 5, 6], 3, 4);
            using (Autograd.GradMode.NoGrad())
            {
                var expected = ours.Network.Forward(source, input).Data.ToArray();
                var actual = onnx.Network.Forward(source, input).Data.ToArray();
                float scale = expected.Max(MathF.Abs);
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-4f * scale, $"logit {i}: ours {expected[i]}, ONNX Runtime {actual[i]}");
            }

            var rng = new Random(5);
            var lines = Enumerable.Range(0, 60).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(1, 9)).Select(_ => Words[rng.Next(Words.Length)]))).ToArray();
            foreach (int beam in new[] { 1, 4 })
            {
                var options = new SearchOptions { BeamSize = beam, MaxLength = 12 };
                var expected = new Translator(ours, options, batchSize: 7).Translate(lines);
                var actual = new Translator(onnx, options, batchSize: 7).Translate(lines);
                for (int i = 0; i < lines.Length; i++)
                {
                    Assert.True(expected[i].Tokens.SequenceEqual(actual[i].Tokens),
                        $"beam {beam}, line {i} '{lines[i]}': ours {string.Join(' ', expected[i].Tokens)}, ONNX Runtime {string.Join(' ', actual[i].Tokens)}");
                    Assert.True(Math.Abs(expected[i].Candidates[0].Score - actual[i].Candidates[0].Score) < 1e-4, $"beam {beam}, line {i}");
                }
                Assert.Contains(expected, t => t.Tokens.Length > 3); // real sequences, not only an immediate end
            }
        }
        finally
        {
            ((OnnxSeq2SeqModel)onnx.Network).Dispose();
        }
    }

    [Fact]
    public void The_graphs_name_the_recurrent_state_and_the_description_says_how_to_start()
    {
        var model = TinyModel(RecurrentCell.Lstm, RecurrentAttention.LuongGeneral, bidirectional: true, inputFeeding: true);
        using var folder = new ExportFolder();
        OnnxExporter.Export(model, folder.Path);
        var description = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, OnnxExporter.DescriptionFile))).RootElement;
        Assert.Equal("lstm-luong", description.GetProperty("architecture").GetString());
        string[] Names(string graph, string side) =>
            [.. description.GetProperty("graphs").GetProperty(graph).GetProperty(side).EnumerateArray().Select(i => i.GetProperty("name").GetString()!)];
        Assert.Equal(["initial_hidden", "initial_cell", "initial_feed", "cross_values", "cross_keys"], Names("encoder", "outputs"));
        Assert.Equal(["prev_ids", "src_mask", "past_hidden", "past_cell", "past_feed", "cross_keys", "cross_values"], Names("decoder_step", "inputs"));
        Assert.Equal(["logits", "present_hidden", "present_cell", "present_feed"], Names("decoder_step", "outputs"));
        Assert.Contains("initial_hidden as past_hidden", description.GetProperty("loop").GetString());
        var refused = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model, folder.Path + "-int8", computeType: NN.ComputeType.Int8));
        Assert.Contains("float32", refused.Message);
    }

    private static TranslationModel TinyModel(RecurrentCell cell, RecurrentAttention attention, bool bidirectional, bool inputFeeding)
    {
        var tokenizer = WordTokenizer.Build([string.Join(' ', Words)]);
        var config = new RecurrentSeq2SeqConfig
        {
            Cell = cell, Attention = attention, Bidirectional = bidirectional, InputFeeding = inputFeeding, EmbeddingDim = 8, HiddenSize = 12,
            Layers = 2, Dropout = 0.1f, MaxLength = 32, SourceVocab = tokenizer.VocabSize, TargetVocab = tokenizer.VocabSize,
        };
        var network = (RecurrentSeq2Seq)ModelRegistry.Build(config, new Rng(4));
        network.Generator.Bias!.Data[SpecialTokens.Eos] -= 2f; // an untrained model would often end at once
        network.Eval();
        return new TranslationModel(config, network, tokenizer, tokenizer);
    }
}

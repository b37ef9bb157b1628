using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.IO;
using Sharpformer.Models;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Onnx.Protos;

namespace Sharpformer.Onnx;

/// <summary>
/// Writes a trained model as ONNX graphs of standard operators, with everything a user needs to run them from any
/// language: the graphs, <c>config.json</c>, the tokenizers and <c>model.onnx.json</c> (each graph's inputs and outputs
/// with their named dimensions, the special token ids and the search defaults). The folder appears whole or not at all.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The default and lowest supported standard operator set (LayerNormalization needs 17).</summary>
    public const int DefaultOpset = 17;

    /// <summary>The encoder graph's file name.</summary>
    public const string EncoderFile = "encoder.onnx";

    /// <summary>The decoder-step graph's file name.</summary>
    public const string DecoderStepFile = "decoder_step.onnx";

    /// <summary>The description of the exported graphs.</summary>
    public const string DescriptionFile = "model.onnx.json";

    private const long ProtobufLimit = (2L << 30) - (64L << 20); // a protobuf message must stay under 2 GB; keep room for the graph

    /// <summary>
    /// Exports <paramref name="model"/> into the folder <paramref name="outputDirectory"/> (replaced if it exists), with
    /// copies of <paramref name="companionFiles"/> (e.g. the run's <c>recipe.json</c>) beside the graphs; with
    /// <paramref name="computeType"/> int8 every linear layer is ONNX Runtime's dynamic int8 quantization pattern
    /// (DynamicQuantizeLinear, MatMulInteger; the weights in int8 with a scale per output feature).
    /// Throws <see cref="NotSupportedException"/> for a model kind without an ONNX form or a compute type other than
    /// float32 and int8, and <see cref="ArgumentOutOfRangeException"/> for an opset below <see cref="DefaultOpset"/>.
    /// </summary>
    public static void Export(TranslationModel model, string outputDirectory, int opset = DefaultOpset, IReadOnlyList<string>? companionFiles = null,
        ComputeType computeType = ComputeType.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckOpset(opset);
        if (computeType is not (ComputeType.Float32 or ComputeType.Int8))
            throw new NotSupportedException($"ONNX export: compute type {computeType} has no ONNX form here; float32 and int8 do.");
        var models = Graphs(model.Network, opset, computeType == ComputeType.Int8);
        AtomicDirectory.Write(outputDirectory, folder =>
        {
            WriteGraphs(models, folder);
            AtomicFile.WriteAllText(Path.Combine(folder, ModelCheckpoint.ConfigFile), model.Config.ToJson());
            model.SourceTokenizer.Save(Path.Combine(folder, TranslationModel.SourceTokenizerFile));
            model.TargetTokenizer.Save(Path.Combine(folder, TranslationModel.TargetTokenizerFile));
            AtomicFile.WriteAllText(Path.Combine(folder, DescriptionFile), Describe(model.Config, opset, models));
            foreach (var file in companionFiles ?? []) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        });
    }

    /// <summary>
    /// Exports a decoder-only language model as one graph, <paramref name="outputFile"/> (written atomically):
    /// <c>input_ids</c> [batch, seq_len] (int64) → <c>logits</c> [batch, seq_len, vocab], the next-token scores at every
    /// position, keys that are the pad id or later than the query masked (<see cref="TransformerLanguageModel.Forward"/>).
    /// With <paramref name="withPast"/> the graph carries key/value caches for generation instead: <c>input_ids</c> (the
    /// new tokens), <c>attention_mask</c> (every token so far) and <c>past_key_i</c>/<c>past_value_i</c> →
    /// <c>logits</c> of the new tokens and <c>present_key_i</c>/<c>present_value_i</c>.
    /// Throws <see cref="ArgumentOutOfRangeException"/> for an opset below <see cref="DefaultOpset"/>.
    /// </summary>
    public static void Export(TransformerLanguageModel model, string outputFile, int opset = DefaultOpset, bool withPast = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(outputFile);
        CheckOpset(opset);
        var graph = withPast ? LanguageModelGraph.BuildCached(model) : LanguageModelGraph.Build(model);
        var (_, onnx) = ToModels([(Path.GetFileName(outputFile), graph)], model, opset).Single();
        AtomicFile.Write(outputFile, stream => onnx.WriteTo(stream));
    }

    /// <summary>
    /// The encoder and decoder-step model files of <paramref name="network"/>; refuses a model kind without an ONNX form,
    /// int8 for a recurrent model, and weights over protobuf's 2 GB limit (<see cref="NotSupportedException"/>).
    /// </summary>
    internal static IReadOnlyList<(string File, ModelProto Model)> Graphs(ISeq2SeqModel network, int opset = DefaultOpset, bool int8 = false) => network switch
    {
        Seq2SeqTransformer transformer => ToModels(
            [(EncoderFile, Seq2SeqTransformerGraphs.Encoder(transformer, int8)), (DecoderStepFile, Seq2SeqTransformerGraphs.DecoderStep(transformer, int8))], network, opset),
        RecurrentSeq2Seq when int8 =>
            throw new NotSupportedException("ONNX export: int8 graphs cover the Transformer; a recurrent model exports in float32 (ONNX's LSTM, GRU and RNN operators take float weights)."),
        RecurrentSeq2Seq recurrent => ToModels(
            [(EncoderFile, RecurrentSeq2SeqGraphs.Encoder(recurrent)), (DecoderStepFile, RecurrentSeq2SeqGraphs.DecoderStep(recurrent))], network, opset),
        _ => throw new NotSupportedException(
            $"ONNX export: {network.GetType().Name} cannot be exported; the encoder-decoder Transformer and the recurrent encoder-decoders can."),
    };

    private static IReadOnlyList<(string File, ModelProto Model)> ToModels(IReadOnlyList<(string File, OnnxGraph Graph)> graphs, object network, int opset)
    {
        foreach (var (file, graph) in graphs)
            if (graph.InitializerBytes > ProtobufLimit)
                throw new NotSupportedException($"ONNX export: {file} would hold {graph.InitializerBytes:N0} bytes of weights, over protobuf's 2 GB limit (external data is not supported).");
        string version = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0";
        return [.. graphs.Select(g => (g.File, g.Graph.ToModel(opset, version, $"Sharpformer {network.GetType().Name}: {g.Graph.Name}")))];
    }

    private static void CheckOpset(int opset)
    {
        if (opset < DefaultOpset)
            throw new ArgumentOutOfRangeException(nameof(opset), $"ONNX export: opset {opset} is too old; {DefaultOpset} or newer is needed (LayerNormalization).");
    }

    /// <summary>Writes each model file into <paramref name="folder"/>, atomically.</summary>
    internal static void WriteGraphs(IReadOnlyList<(string File, ModelProto Model)> models, string folder)
    {
        foreach (var (file, onnx) in models)
            AtomicFile.Write(Path.Combine(folder, file), stream => onnx.WriteTo(stream));
    }

    /// <summary>model.onnx.json: the graphs' inputs and outputs read back from the graphs themselves, the special ids and the search defaults.</summary>
    private static string Describe(IModelConfig config, int opset, IReadOnlyList<(string File, ModelProto Model)> models)
    {
        static JsonArray Values(IEnumerable<ValueInfoProto> values) =>
        [
            .. values.Select(v => (JsonNode)new JsonObject
            {
                ["name"] = v.Name,
                ["type"] = ((TensorProto.Types.DataType)v.Type.TensorType.ElemType).ToString().ToLowerInvariant(),
                ["shape"] = new JsonArray([.. v.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam
                    ? JsonValue.Create(d.DimParam) : (JsonNode)JsonValue.Create(d.DimValue))]),
            }),
        ];
        var graphs = new JsonObject();
        foreach (var (file, model) in models)
            graphs[model.Graph.Name] = new JsonObject { ["file"] = file, ["inputs"] = Values(model.Graph.Input), ["outputs"] = Values(model.Graph.Output) };
        var description = new JsonObject
        {
            ["format"] = "sharpformer-onnx/1",
            ["architecture"] = config is RecurrentSeq2SeqConfig recurrent ? Architecture.Recurrent(recurrent.Cell, recurrent.Attention).Name : Architecture.Transformer.Name,
            ["opset"] = opset,
            ["graphs"] = graphs,
            ["decoder_layers"] = config is TransformerConfig transformer ? transformer.DecoderLayers : ((RecurrentSeq2SeqConfig)config).Layers,
            ["special_tokens"] = new JsonObject { ["pad"] = config.PadId, ["bos"] = SpecialTokens.Bos, ["eos"] = SpecialTokens.Eos, ["unk"] = SpecialTokens.Unk },
            ["search"] = new JsonObject
            {
                ["beam_size"] = SearchOptions.DefaultBeamSize,
                ["length_penalty"] = SearchOptions.DefaultLengthPenalty,
                ["max_length"] = config.MaxLength,
            },
            ["loop"] = "src_ids are the source tokens followed by eos, padded with pad (src_mask 0 there). Run the encoder once; start with "
                + (config is TransformerConfig ? "prev_ids = bos and empty past tensors (past_len 0)" : "prev_ids = bos and the encoder's initial_* outputs as past_* (initial_hidden as past_hidden, ...)")
                + "; each step masks pad and bos, picks the next tokens, feeds them as prev_ids and present_* back as past_*, until every row has produced eos or max_length steps.",
        };
        return description.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}

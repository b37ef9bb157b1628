using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.IO;
using Sharpformer.Models;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;
using Tensor = Sharpformer.Tensors.Tensor;

namespace Sharpformer.Onnx;

/// <summary>
/// An exported encoder-decoder (Transformer or recurrent) run by ONNX Runtime behind our <see cref="ISeq2SeqModel"/>
/// contract, so the same greedy and beam search, <see cref="Translator"/>, evaluation and ensembles drive it:
/// <see cref="Start"/> runs <c>encoder.onnx</c>, <see cref="Step"/> runs <c>decoder_step.onnx</c> with the state's
/// <c>past_*</c> tensors (the Transformer's key/value caches, empty at first; a recurrent decoder's hidden state, the
/// encoder's <c>initial_*</c> outputs at first) and the encoder's <c>cross_*</c> tensors. It is both a
/// .NET user's deployment path and the reference our own engine is checked against.
/// </summary>
public sealed class OnnxSeq2SeqModel : ISeq2SeqModel, IDisposable
{
    private readonly InferenceSession _encoder, _step;
    private readonly IModelConfig _config;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _pastNames, _stepInputs;

    /// <summary>Opens the two graphs of an export folder with <paramref name="options"/> (ONNX Runtime's defaults when null).</summary>
    public OnnxSeq2SeqModel(string folder, IModelConfig config, SessionOptions? options = null)
    {
        _config = config;
        _encoder = Open(Path.Combine(folder, OnnxExporter.EncoderFile), options);
        try
        {
            _step = Open(Path.Combine(folder, OnnxExporter.DecoderStepFile), options);
        }
        catch
        {
            _encoder.Dispose();
            throw;
        }
        _stepInputs = [.. _step.InputNames];
        _pastNames = [.. _stepInputs.Where(n => n.StartsWith("past_", StringComparison.Ordinal))];
    }

    /// <summary>
    /// Loads an export folder (<c>sharpformer export-onnx</c>) as a <see cref="TranslationModel"/> with its config and
    /// tokenizers; a missing file or a folder of another kind is named in the exception.
    /// </summary>
    public static TranslationModel Load(string folder, SessionOptions? options = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"ONNX model folder not found: {folder}");
        if (!File.Exists(Path.Combine(folder, OnnxExporter.DescriptionFile)))
            throw new InvalidDataException($"{folder}: no {OnnxExporter.DescriptionFile}; export a model with `sharpformer export-onnx` first.");
        var config = ModelCheckpoint.ReadConfig(Path.Combine(folder, ModelCheckpoint.ConfigFile));
        if (config is not (TransformerConfig { Kind: "seq2seq" } or RecurrentSeq2SeqConfig))
            throw new InvalidDataException($"{folder}: only exported encoder-decoders (Transformer or recurrent) run on ONNX Runtime, not kind '{config.Kind}'.");
        var source = Tokenizers.Load(Path.Combine(folder, TranslationModel.SourceTokenizerFile));
        var target = Tokenizers.Load(Path.Combine(folder, TranslationModel.TargetTokenizerFile));
        return new TranslationModel(config, new OnnxSeq2SeqModel(folder, config, options), source, target);
    }

    /// <inheritdoc />
    public IDecoderState Start(IntTensor source)
    {
        int batch = source.Shape[0], length = source.Shape[1];
        long[] shape = [batch, length];
        using var ids = OrtValue.CreateTensorValueFromMemory(source.Data.Select(i => (long)i).ToArray(), shape);
        var mask = OrtValue.CreateTensorValueFromMemory(source.Data.Select(i => i == _config.PadId ? 0L : 1L).ToArray(), shape);
        var outputs = _encoder.Run(_runOptions, ["src_ids", "src_mask"], [ids, mask], _encoder.OutputNames);
        var (cross, past) = (new Dictionary<string, OrtValue>(), new Dictionary<string, OrtValue>());
        foreach (var (name, value) in _encoder.OutputNames.Zip(outputs))
            if (name.StartsWith("cross_", StringComparison.Ordinal)) cross[name] = value;
            else if (name.StartsWith("initial_", StringComparison.Ordinal)) past["past_" + name["initial_".Length..]] = value;
            else value.Dispose();
        foreach (var name in _pastNames.Where(n => !past.ContainsKey(n)))
        {
            // A cache that starts empty: the batch, and 0 for the dynamic length axis.
            long[] dims = [.. _step.InputMetadata[name].Dimensions.Select((d, i) => i == 0 ? batch : Math.Max(d, 0))];
            past[name] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, dims);
        }
        return new OnnxDecoderState(mask, cross, past, batch);
    }

    /// <inheritdoc />
    public Tensor Step(IDecoderState state, IntTensor previousTokens)
    {
        var s = (OnnxDecoderState)state;
        int rows = s.Rows;
        using var ids = OrtValue.CreateTensorValueFromMemory(previousTokens.Data.Select(i => (long)i).ToArray(), [rows, 1]);
        var names = new List<string>(_stepInputs.Length);
        var values = new List<OrtValue>(_stepInputs.Length);
        foreach (var name in _stepInputs)
        {
            names.Add(name);
            values.Add(name switch
            {
                "prev_ids" => ids,
                "src_mask" => s.SourceMask,
                _ when name.StartsWith("past_", StringComparison.Ordinal) => s.Past[name],
                _ => s.Cross[name],
            });
        }
        var outputs = _step.Run(_runOptions, names, values, _step.OutputNames);
        Tensor logits = null!;
        var present = new Dictionary<string, OrtValue>();
        foreach (var (name, value) in _step.OutputNames.Zip(outputs))
        {
            if (name == "logits")
            {
                logits = Tensor.FromArray(value.GetTensorDataAsSpan<float>(), rows, _config.TargetVocab);
                value.Dispose();
            }
            else present[name.Replace("present_", "past_", StringComparison.Ordinal)] = value;
        }
        s.ReplacePast(present);
        return logits;
    }

    /// <summary>Teacher-forced logits [B, T, V]: the encoder once, then one decoder step per target position.</summary>
    public Tensor Forward(IntTensor source, IntTensor target)
    {
        int batch = target.Shape[0], length = target.Shape[1], vocab = _config.TargetVocab;
        using var state = (OnnxDecoderState)Start(source);
        var logits = new float[batch * length * vocab];
        for (int t = 0; t < length; t++)
        {
            var step = Step(state, new IntTensor([.. Enumerable.Range(0, batch).Select(b => target.Data[(b * length) + t])]));
            for (int b = 0; b < batch; b++) step.Data.Slice(b * vocab, vocab).CopyTo(logits.AsSpan(((b * length) + t) * vocab, vocab));
        }
        return Tensor.FromArray(logits, batch, length, vocab);
    }

    /// <inheritdoc />
    public Tensor Loss(Tensor logits, IntTensor labels, float labelSmoothing = 0f) =>
        logits.CrossEntropy(labels, ignoreIndex: _config.PadId, labelSmoothing: labelSmoothing);

    /// <summary>Releases the two ONNX Runtime sessions.</summary>
    public void Dispose()
    {
        _encoder.Dispose();
        _step.Dispose();
        _runOptions.Dispose();
    }

    private static InferenceSession Open(string path, SessionOptions? options)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX graph not found: {path}", path);
        try
        {
            return options is null ? new InferenceSession(path) : new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load it: {e.Message.Split('\n')[0]}", e);
        }
    }
}

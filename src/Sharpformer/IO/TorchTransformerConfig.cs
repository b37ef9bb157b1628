using System.Text.Json;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;

namespace Sharpformer.IO;

/// <summary>
/// Reads the JSON description of a PyTorch Transformer export (the arguments of <c>torch.nn.Transformer</c> plus
/// vocabulary sizes), as written by <c>tools/parity/make_fixtures.py</c>, into a <see cref="TransformerConfig"/>.
/// </summary>
public static class TorchTransformerConfig
{
    /// <summary>
    /// Parses <paramref name="json"/> for a model of the given kind ("seq2seq" or "lm"); dropout defaults to 0 unless
    /// given. Returns the label smoothing too when the file records one. Unknown keys are errors naming the key.
    /// </summary>
    public static (TransformerConfig Config, float LabelSmoothing) Parse(string json, string kind, string source)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: invalid JSON: {ErrorText.OneLine(e.Message)}", e);
        }
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{source}: expected a JSON object.");
        var config = new TransformerConfig { Kind = kind, Dropout = 0f, DecoderLayers = kind == "lm" ? 0 : 6 };
        float smoothing = 0f;
        foreach (var p in root.EnumerateObject())
        {
            try
            {
                config = p.Name switch
                {
                    "d_model" => config with { DModel = p.Value.GetInt32() },
                    "nhead" => config with { Heads = p.Value.GetInt32() },
                    "num_encoder_layers" => config with { EncoderLayers = p.Value.GetInt32() },
                    "num_decoder_layers" => config with { DecoderLayers = p.Value.GetInt32() },
                    "dim_feedforward" => config with { DFf = p.Value.GetInt32() },
                    "dropout" => config with { Dropout = p.Value.GetSingle() },
                    "src_vocab" => config with { SourceVocab = p.Value.GetInt32() },
                    "tgt_vocab" => config with { TargetVocab = p.Value.GetInt32() },
                    "vocab" => config with { SourceVocab = p.Value.GetInt32(), TargetVocab = p.Value.GetInt32() },
                    "pad_id" => config with { PadId = p.Value.GetInt32() },
                    "norm_first" => config with { NormFirst = p.Value.GetBoolean() },
                    "activation" => config with { Activation = ActivationExtensions.Parse(p.Value.GetString() ?? "") },
                    "layer_norm_eps" => config with { LayerNormEps = p.Value.GetSingle() },
                    "max_length" => config with { MaxLength = p.Value.GetInt32() },
                    "label_smoothing" => config,
                    _ => throw new InvalidDataException($"{source}: unknown key '{p.Name}'."),
                };
                if (p.Name == "label_smoothing") smoothing = p.Value.GetSingle();
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"{source}: key '{p.Name}' has an invalid value {p.Value.GetRawText()}: {e.Message}", e);
            }
        }
        try
        {
            return (config.Validate(needsTarget: kind != "lm"), smoothing);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }
}

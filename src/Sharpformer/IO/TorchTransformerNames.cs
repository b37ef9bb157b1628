using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.IO;

/// <summary>
/// Translates between PyTorch's Transformer state_dict names and Sharpformer's. PyTorch keeps the three attention input
/// projections in one <c>in_proj_weight</c> [3d, d] (rows W_Q; W_K; W_V) and <c>in_proj_bias</c>; Sharpformer has
/// separate <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>. Also: <c>transformer.</c> prefix (seq2seq) dropped,
/// <c>multihead_attn</c> ↔ <c>cross_attn</c>, <c>linear1/2</c> ↔ <c>feed_forward.linear1/2</c>.
/// </summary>
public static class TorchTransformerNames
{
    private static readonly string[] Projections = ["q_proj", "k_proj", "v_proj"];

    /// <summary>PyTorch names and tensors → Sharpformer names and tensors (in_proj split into three).</summary>
    public static Dictionary<string, Tensor> FromTorch(IReadOnlyDictionary<string, Tensor> torch)
    {
        var ours = new Dictionary<string, Tensor>();
        foreach (var (torchName, tensor) in torch)
        {
            var name = torchName.StartsWith("transformer.", StringComparison.Ordinal) ? torchName["transformer.".Length..] : torchName;
            name = name.Replace(".multihead_attn.", ".cross_attn.", StringComparison.Ordinal)
                .Replace(".linear1.", ".feed_forward.linear1.", StringComparison.Ordinal)
                .Replace(".linear2.", ".feed_forward.linear2.", StringComparison.Ordinal);
            var (prefix, suffix) = SplitInProjection(name);
            if (prefix is null)
            {
                ours[name] = tensor;
                continue;
            }
            if (tensor.Size(0) % 3 != 0)
                throw new ArgumentException($"{torchName}: shape {Shape.Format(tensor.Shape)} has a first dimension not divisible by 3 (Q, K, V).");
            int rows = tensor.Size(0) / 3;
            using (GradMode.NoGrad())
                for (int i = 0; i < 3; i++) ours[$"{prefix}{Projections[i]}.{suffix}"] = tensor.Narrow(0, i * rows, rows);
        }
        return ours;
    }

    /// <summary>Sharpformer names and tensors → PyTorch names (q/k/v joined into in_proj); <paramref name="seq2seq"/> adds the <c>transformer.</c> prefix.</summary>
    public static Dictionary<string, Tensor> ToTorch(IReadOnlyDictionary<string, Tensor> ours, bool seq2seq)
    {
        var torch = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in ours)
        {
            int at = name.IndexOf(".q_proj.", StringComparison.Ordinal);
            if (name.Contains(".k_proj.", StringComparison.Ordinal) || name.Contains(".v_proj.", StringComparison.Ordinal)) continue;
            string torchName;
            Tensor value = tensor;
            if (at >= 0)
            {
                string prefix = name[..(at + 1)], suffix = name[(at + ".q_proj.".Length)..];
                torchName = $"{prefix}in_proj_{suffix}";
                using (GradMode.NoGrad())
                    value = Ops.Concat(Projections.Select(p => Lookup(ours, $"{prefix}{p}.{suffix}")).ToList(), 0);
            }
            else torchName = name;
            torchName = torchName.Replace(".cross_attn.", ".multihead_attn.", StringComparison.Ordinal)
                .Replace(".feed_forward.", ".", StringComparison.Ordinal);
            if (seq2seq && (torchName.StartsWith("encoder.", StringComparison.Ordinal) || torchName.StartsWith("decoder.", StringComparison.Ordinal)))
                torchName = "transformer." + torchName;
            torch[torchName] = value;
        }
        return torch;
    }

    // "encoder.layers.0.self_attn.in_proj_weight" → ("encoder.layers.0.self_attn.", "weight")
    private static (string? Prefix, string Suffix) SplitInProjection(string name)
    {
        foreach (var suffix in new[] { "weight", "bias" })
        {
            var marker = "in_proj_" + suffix;
            if (name.EndsWith(marker, StringComparison.Ordinal)) return (name[..^marker.Length], suffix);
        }
        return (null, "");
    }

    private static Tensor Lookup(IReadOnlyDictionary<string, Tensor> ours, string name) =>
        ours.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"ToTorch: '{name}' is missing (q/k/v projections must come together).");
}

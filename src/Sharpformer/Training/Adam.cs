using System.Numerics;
using System.Runtime.InteropServices;
using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>
/// Adam (Kingma and Ba) as used in Section 5.3 (β₁ = 0.9, β₂ = 0.98, ε = 10⁻⁹): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// θ ← θ − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂. A non-zero <see cref="WeightDecay"/> is AdamW's decoupled decay
/// θ ← θ − lr·λθ (Loshchilov and Hutter), matching <c>torch.optim.AdamW</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;

    /// <summary>Creates the optimiser; defaults are the paper's.</summary>
    public Adam(IEnumerable<(string Name, Tensor Parameter)> parameters, float beta1 = 0.9f, float beta2 = 0.98f, float eps = 1e-9f, float weightDecay = 0f)
        : base(parameters)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        _m = ZerosLikeParameters();
        _v = ZerosLikeParameters();
    }

    /// <summary>First-moment decay β₁.</summary>
    public float Beta1 { get; }

    /// <summary>Second-moment decay β₂.</summary>
    public float Beta2 { get; }

    /// <summary>Denominator ε.</summary>
    public float Eps { get; }

    /// <summary>Decoupled weight decay λ (0 = plain Adam).</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient, float lr)
    {
        var m = _m[index].Data;
        var v = _v[index].Data;
        float stepSize = lr / (1f - MathF.Pow(Beta1, StepCount));
        float inverseSqrtCorrection2 = 1f / MathF.Sqrt(1f - MathF.Pow(Beta2, StepCount));
        float decay = 1f - lr * WeightDecay;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var ms = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vs = MemoryMarshal.Cast<float, Vector<float>>(v);
            var ps = MemoryMarshal.Cast<float, Vector<float>>(parameter);
            var gs = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            for (int j = 0; j < ps.Length; j++)
            {
                var g = gs[j];
                ms[j] = Beta1 * ms[j] + (1f - Beta1) * g;
                vs[j] = Beta2 * vs[j] + (1f - Beta2) * g * g;
                var denominator = Vector.SquareRoot(vs[j]) * inverseSqrtCorrection2 + new Vector<float>(Eps);
                ps[j] = ps[j] * decay - stepSize * ms[j] / denominator;
            }
            i = ps.Length * Vector<float>.Count;
        }
        for (; i < parameter.Length; i++)
        {
            float g = gradient[i];
            m[i] = Beta1 * m[i] + (1f - Beta1) * g;
            v[i] = Beta2 * v[i] + (1f - Beta2) * g * g;
            parameter[i] = parameter[i] * decay - stepSize * m[i] / (MathF.Sqrt(v[i]) * inverseSqrtCorrection2 + Eps);
        }
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> StateTensors() =>
        new Dictionary<string, Tensor>(Named("exp_avg.", _m).Concat(Named("exp_avg_sq.", _v)));
}

using System.Numerics;
using Sharpformer.Kernels;
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
    protected override unsafe void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient, float lr)
    {
        fixed (float* pp = parameter, pg = gradient, pm = _m[index].Data, pv = _v[index].Data)
        {
            var body = new UpdateRanges
            {
                P = pp, G = pg, M = pm, V = pv, Beta1 = Beta1, Beta2 = Beta2, Eps = Eps,
                StepSize = lr / (1f - MathF.Pow(Beta1, StepCount)),
                InverseSqrtCorrection2 = 1f / MathF.Sqrt(1f - MathF.Pow(Beta2, StepCount)),
                Decay = 1f - (lr * WeightDecay),
            };
            RowParallel.ForElements(parameter.Length, ref body);
        }
    }

    /// <summary>The update of elements [start, end): one pass over θ, g, m and v, vectorised, on fixed element ranges.</summary>
    private unsafe struct UpdateRanges : IRowRange
    {
        public float* P, G, M, V;
        public float Beta1, Beta2, Eps, StepSize, InverseSqrtCorrection2, Decay;

        public readonly void Run(int start, int end)
        {
            int i = start;
            if (Vector.IsHardwareAccelerated)
            {
                for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
                {
                    var g = Vector.Load(G + i);
                    var m = (Beta1 * Vector.Load(M + i)) + ((1f - Beta1) * g);
                    var v = (Beta2 * Vector.Load(V + i)) + ((1f - Beta2) * g * g);
                    var denominator = (Vector.SquareRoot(v) * InverseSqrtCorrection2) + new Vector<float>(Eps);
                    m.Store(M + i);
                    v.Store(V + i);
                    ((Vector.Load(P + i) * Decay) - (StepSize * m / denominator)).Store(P + i);
                }
            }
            for (; i < end; i++)
            {
                float g = G[i];
                M[i] = (Beta1 * M[i]) + ((1f - Beta1) * g);
                V[i] = (Beta2 * V[i]) + ((1f - Beta2) * g * g);
                P[i] = (P[i] * Decay) - (StepSize * M[i] / ((MathF.Sqrt(V[i]) * InverseSqrtCorrection2) + Eps));
            }
        }
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> StateTensors() =>
        new Dictionary<string, Tensor>(Named("exp_avg.", _m).Concat(Named("exp_avg_sq.", _v)));
}

using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum and L2 weight decay, PyTorch's <c>torch.optim.SGD</c> update:
/// g ← g + λθ; b ← μb + g; θ ← θ − lr·b.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[] _momentum;

    /// <summary>Creates the optimiser.</summary>
    public Sgd(IEnumerable<(string Name, Tensor Parameter)> parameters, float momentum = 0f, float weightDecay = 0f) : base(parameters)
    {
        Momentum = momentum;
        WeightDecay = weightDecay;
        _momentum = ZerosLikeParameters();
    }

    /// <summary>Momentum μ (0 = plain SGD).</summary>
    public float Momentum { get; }

    /// <summary>L2 weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient, float lr)
    {
        var buffer = _momentum[index].Data;
        bool first = StepCount == 1;
        for (int i = 0; i < parameter.Length; i++)
        {
            float g = gradient[i] + WeightDecay * parameter[i];
            if (Momentum != 0f)
            {
                buffer[i] = first ? g : Momentum * buffer[i] + g;
                g = buffer[i];
            }
            parameter[i] -= lr * g;
        }
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> StateTensors() => new Dictionary<string, Tensor>(Named("momentum_buffer.", _momentum));
}

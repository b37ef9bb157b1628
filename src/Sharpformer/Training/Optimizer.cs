using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>
/// Updates parameters from their accumulated gradients, like <c>torch.optim.Optimizer</c>. The learning rate is passed
/// to each <see cref="Step"/> (a schedule owns it); per-parameter state (moments, momentum buffers) is exposed as named
/// tensors so a checkpoint can save it and a resumed run continue bit for bit.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Creates an optimiser over named parameters (names key the saved state).</summary>
    protected Optimizer(IEnumerable<(string Name, Tensor Parameter)> parameters)
    {
        Parameters = parameters.ToList();
        if (Parameters.Count == 0) throw new ArgumentException("Optimizer: no parameters to optimise.", nameof(parameters));
    }

    /// <summary>The parameters with their names.</summary>
    public IReadOnlyList<(string Name, Tensor Parameter)> Parameters { get; }

    /// <summary>Number of updates applied so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Applies one update with learning rate <paramref name="lr"/>; parameters without a gradient are left alone.</summary>
    public void Step(float lr)
    {
        StepCount++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i].Parameter;
            if (p.Grad is not null) Update(i, p.Data, p.Grad.Data, lr);
        }
    }

    /// <summary>Zeroes every gradient in place.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in Parameters) p.ZeroGrad();
    }

    /// <summary>Updates parameter <paramref name="index"/> in place.</summary>
    protected abstract void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient, float lr);

    /// <summary>Per-parameter state as named tensors (e.g. <c>exp_avg.encoder.norm.weight</c>) plus the step count.</summary>
    public abstract IReadOnlyDictionary<string, Tensor> StateTensors();

    /// <summary>Restores state saved by <see cref="StateTensors"/>; names and shapes must match.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state, long stepCount)
    {
        foreach (var (name, target) in StateTensors())
        {
            if (!state.TryGetValue(name, out var source))
                throw new ArgumentException($"Optimizer state is missing '{name}'.", nameof(state));
            if (!Shape.Equal(source.Shape, target.Shape))
                throw new ArgumentException($"Optimizer state '{name}' has shape {Shape.Format(source.Shape)}, expected {Shape.Format(target.Shape)}.", nameof(state));
            source.Data.CopyTo(target.Data);
        }
        StepCount = stepCount;
    }

    /// <summary>One zero state tensor per parameter, shaped like it, created outside any scope.</summary>
    protected Tensor[] ZerosLikeParameters()
    {
        var result = new Tensor[Parameters.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = new Tensor(BufferPool.AllocateOwned(Parameters[i].Parameter.Length), Parameters[i].Parameter.Shape.ToArray());
        return result;
    }

    /// <summary>Names each state tensor with <paramref name="prefix"/> + the parameter's name.</summary>
    protected IEnumerable<KeyValuePair<string, Tensor>> Named(string prefix, Tensor[] state) =>
        state.Select((t, i) => new KeyValuePair<string, Tensor>(prefix + Parameters[i].Name, t));
}

using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

/// <summary>
/// Records operations and runs reverse-mode differentiation: <see cref="Record"/> attaches a backward rule to an
/// operation's output, <see cref="Backward"/> walks the recorded graph in reverse topological order, calling each rule
/// once, so gradients of shared sub-expressions add up.
/// </summary>
public static class Tape
{
    [ThreadStatic]
    private static ITapeObserver? observer;

    /// <summary>
    /// Lets <paramref name="watcher"/> observe this thread's operations until the returned handle is disposed; one
    /// observer per thread at a time. Without one, the tape pays a single thread-static read per operation.
    /// </summary>
    public static IDisposable Observe(ITapeObserver watcher)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        if (observer is not null) throw new InvalidOperationException("Tape.Observe: this thread's tape already has an observer.");
        observer = watcher;
        return new Observation(watcher);
    }

    /// <summary>
    /// Attaches <paramref name="backward"/> to <paramref name="output"/> when recording is on and any input requires a
    /// gradient; otherwise does nothing, so inference pays no bookkeeping. <paramref name="sequentialSteps"/> is the
    /// number of dependent stages a fused operation runs inside (<see cref="GradNode.SequentialSteps"/>).
    /// </summary>
    public static Tensor Record(Tensor output, string op, Tensor[] inputs, BackwardFunction backward, int sequentialSteps = 1)
    {
        observer?.ForwardEnded(op);
        if (!GradMode.IsEnabled) return output;
        bool any = false;
        foreach (var input in inputs) any |= input.RequiresGrad;
        if (!any) return output;
        output.GradFn = new GradNode(op, inputs, backward, sequentialSteps);
        output.MarkRequiresGrad();
        return output;
    }

    /// <summary>
    /// The gradient buffer of <paramref name="t"/>, created zeroed on first use, for a backward rule to add into.
    /// Leaves (parameters) get storage that outlives any <see cref="TensorScope"/>; intermediate gradients are pooled.
    /// </summary>
    public static Span<float> GradSpan(Tensor t)
    {
        if (t.Grad is null)
        {
            t.Grad = t.IsLeaf
                ? new Tensor(BufferPool.AllocateOwned(t.Length), (int[])t.Dims.Clone())
                : Tensor.Zeros(t.Dims);
        }
        return t.Grad.Data;
    }

    /// <summary>
    /// The gradient buffer of <paramref name="t"/> for a rule that writes a whole contribution: on first use the buffer
    /// is not zeroed and <paramref name="accumulate"/> is false, so the rule assigns; later contributions add. Skipping
    /// the zero-fill of every intermediate gradient saves a full memory pass per tensor in the backward pass.
    /// </summary>
    public static Span<float> GradSpan(Tensor t, out bool accumulate)
    {
        accumulate = t.Grad is not null;
        if (t.Grad is null)
            t.Grad = t.IsLeaf ? new Tensor(BufferPool.AllocateOwned(t.Length), (int[])t.Dims.Clone()) : Tensor.Empty(t.Dims);
        return t.Grad.Data;
    }

    /// <summary>Writes a gradient contribution computed by <paramref name="write"/> (which assigns every element) into t's gradient.</summary>
    public static void WriteGrad(Tensor t, GradientWriter write)
    {
        var grad = GradSpan(t, out bool accumulate);
        if (!accumulate)
        {
            write(grad);
            return;
        }
        var contribution = Tensor.Empty(t.Dims);
        write(contribution.Data);
        ElementwiseKernel.CopyOrAdd(contribution.Data, grad, accumulate: true);
        contribution.Buffer.Release();
    }

    /// <summary>
    /// Back-propagates from <paramref name="root"/>: seeds its gradient with <paramref name="gradient"/> (ones for a
    /// scalar when omitted) and accumulates d root / d leaf into every leaf that requires a gradient.
    /// Intermediate gradients are freed as soon as they have been propagated.
    /// </summary>
    public static void Backward(Tensor root, Tensor? gradient = null)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: the tensor does not require grad (no input of its graph has RequiresGrad set, or it was computed under NoGrad).");
        if (gradient is null && root.Length != 1)
            throw new ArgumentException($"Backward: a gradient argument is needed for a non-scalar output of shape {Shape.Format(root.Shape)}.");
        if (gradient is not null && !Shape.Equal(gradient.Shape, root.Shape))
            throw new ArgumentException($"Backward: gradient shape {Shape.Format(gradient.Shape)} does not match output shape {Shape.Format(root.Shape)}.");

        var order = TopologicalOrder(root);
        var seed = GradSpan(root);
        if (gradient is null) seed[0] += 1f;
        else TensorPrimitives.Add(seed, gradient.Data, seed);

        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (t.Grad is null || t.GradFn is null) continue;
            observer?.BackwardStarting(t.GradFn.Op);
            t.GradFn.Backward(t);
            observer?.BackwardEnded(t.GradFn.Op);
            if (!ReferenceEquals(t, root))
            {
                t.Grad.Buffer.Release();
                t.Grad = null;
            }
        }
    }

    /// <summary>Tensors of the graph under <paramref name="root"/> such that each comes after all of its inputs.</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, int NextInput)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs;
            if (inputs is not null && next < inputs.Count)
            {
                stack.Push((t, next + 1));
                var input = inputs[next];
                if (input.RequiresGrad && visited.Add(input)) stack.Push((input, 0));
                continue;
            }
            order.Add(t);
        }
        return order;
    }

    /// <summary>Removes its observer from the thread's tape when disposed (on the thread that installed it).</summary>
    private sealed class Observation(ITapeObserver watcher) : IDisposable
    {
        public void Dispose()
        {
            if (ReferenceEquals(observer, watcher)) observer = null;
        }
    }
}

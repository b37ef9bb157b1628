using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

/// <summary>Backward rule of one recorded operation: reads <c>output.Grad</c> and adds into the inputs' gradients.</summary>
public delegate void BackwardFunction(Tensor output);

/// <summary>Writes (assigns) a whole gradient contribution into <paramref name="destination"/>; see <see cref="Tape.WriteGrad"/>.</summary>
public delegate void GradientWriter(Span<float> destination);

/// <summary>
/// One entry of the define-by-run tape: the operation's name, the tensors it consumed, and its backward rule
/// (the micrograd idea — <c>_backward</c> closures over the forward's saved values — with tensors instead of scalars).
/// </summary>
public sealed class GradNode
{
    internal GradNode(string op, Tensor[] inputs, BackwardFunction backward, int sequentialSteps = 1)
    {
        Op = op;
        Inputs = inputs;
        Backward = backward;
        SequentialSteps = sequentialSteps;
    }

    /// <summary>Name of the operation that produced the tensor, e.g. "MatMul".</summary>
    public string Op { get; }

    /// <summary>
    /// Dependent stages the operation runs one after another inside (1 for most; a fused recurrence over T steps runs
    /// 2T: a GEMM and a cell update per step), so <see cref="GraphDepth"/> still counts them.
    /// </summary>
    public int SequentialSteps { get; }

    /// <summary>The operation's tensor inputs, in order.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    internal BackwardFunction Backward { get; }
}

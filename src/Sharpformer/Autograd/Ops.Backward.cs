using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Reverse-mode differentiation from this tensor (<c>loss.Backward()</c>): adds d this / d leaf into the
    /// <see cref="Tensor.Grad"/> of every leaf that requires a gradient. See <see cref="Tape.Backward"/>.
    /// </summary>
    public static void Backward(this Tensor root, Tensor? gradient = null) => Tape.Backward(root, gradient);
}

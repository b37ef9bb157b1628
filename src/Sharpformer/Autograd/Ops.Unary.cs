using System.Numerics;
using System.Runtime.InteropServices;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>Forward of a unary element-wise function: y = f(x).</summary>
    private delegate void UnaryForward(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>Backward of a unary function: dx = g * f'(x) (given x, y = f(x) and g = dL/dy).</summary>
    private delegate void UnaryBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx);

    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(this Tensor x) => Unary("Relu", x,
        static (x, y) => TensorPrimitives.Max(x, 0f, y),
        static (x, _, g, dx) => ReluBackward(x, g, dx));

    /// <summary>tanh(x); derivative 1 - y².</summary>
    public static Tensor Tanh(this Tensor x) => Unary("Tanh", x,
        static (x, y) => TensorPrimitives.Tanh(x, y),
        static (_, y, g, dx) => { for (int i = 0; i < dx.Length; i++) dx[i] = g[i] * (1f - y[i] * y[i]); });

    /// <summary>1 / (1 + e^-x); derivative y(1 - y).</summary>
    public static Tensor Sigmoid(this Tensor x) => Unary("Sigmoid", x,
        static (x, y) => TensorPrimitives.Sigmoid(x, y),
        static (_, y, g, dx) => { for (int i = 0; i < dx.Length; i++) dx[i] = g[i] * y[i] * (1f - y[i]); });

    /// <summary>e^x; derivative y.</summary>
    public static Tensor Exp(this Tensor x) => Unary("Exp", x,
        static (x, y) => TensorPrimitives.Exp(x, y),
        static (_, y, g, dx) => TensorPrimitives.Multiply(g, y, dx));

    /// <summary>Natural logarithm; derivative 1/x.</summary>
    public static Tensor Log(this Tensor x) => Unary("Log", x,
        static (x, y) => TensorPrimitives.Log(x, y),
        static (x, _, g, dx) => TensorPrimitives.Divide(g, x, dx));

    /// <summary>
    /// GELU (Hendrycks and Gimpel): x·Φ(x) with the exact normal CDF, as PyTorch's default; with
    /// <paramref name="tanhApproximation"/> the form 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) of PyTorch's approximate='tanh'.
    /// </summary>
    public static Tensor Gelu(this Tensor x, bool tanhApproximation = false) => tanhApproximation
        ? Unary("GeluTanh", x, static (x, y) => GeluKernel.TanhForward(x, y), static (x, _, g, dx) => GeluKernel.TanhBackward(x, g, dx))
        : Unary("Gelu", x, static (x, y) => GeluKernel.ExactForward(x, y), static (x, _, g, dx) => GeluKernel.ExactBackward(x, g, dx));

    // dx = g where x > 0, else 0, vectorised with a compare mask.
    private static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            var xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            var gs = MemoryMarshal.Cast<float, Vector<float>>(g);
            var ds = MemoryMarshal.Cast<float, Vector<float>>(dx);
            for (int v = 0; v < ds.Length; v++)
                ds[v] = Vector.ConditionalSelect(Vector.GreaterThan(xs[v], Vector<float>.Zero), gs[v], Vector<float>.Zero);
            i = ds.Length * width;
        }
        for (; i < dx.Length; i++) dx[i] = x[i] > 0f ? g[i] : 0f;
    }

    // Both passes run over fixed element ranges on both cores (RowParallel.ForElements).
    private static unsafe Tensor Unary(string op, Tensor x, UnaryForward forward, UnaryBackward backward)
    {
        var y = Tensor.Empty(x.Dims);
        fixed (float* px = x.Data, py = y.Data)
        {
            var ranges = new UnaryForwardRanges { Forward = forward, X = px, Y = py };
            RowParallel.ForElements(x.Length, ref ranges);
        }
        return Tape.Record(y, op, [x], o => Tape.WriteGrad(x, dx =>
        {
            fixed (float* px = x.Data, py = o.Data, pg = o.Grad!.Data, pdx = dx)
            {
                var ranges = new UnaryBackwardRanges { Backward = backward, X = px, Y = py, G = pg, Dx = pdx };
                RowParallel.ForElements(dx.Length, ref ranges);
            }
        }));
    }

    private unsafe struct UnaryForwardRanges : IRowRange
    {
        public UnaryForward Forward;
        public float* X, Y;

        public readonly void Run(int start, int end) =>
            Forward(new ReadOnlySpan<float>(X + start, end - start), new Span<float>(Y + start, end - start));
    }

    private unsafe struct UnaryBackwardRanges : IRowRange
    {
        public UnaryBackward Backward;
        public float* X, Y, G, Dx;

        public readonly void Run(int start, int end) =>
            Backward(new ReadOnlySpan<float>(X + start, end - start), new ReadOnlySpan<float>(Y + start, end - start),
                new ReadOnlySpan<float>(G + start, end - start), new Span<float>(Dx + start, end - start));
    }
}

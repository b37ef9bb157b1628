
namespace Sharpformer.Kernels;

/// <summary>An element-wise binary operation in the three span shapes broadcasting needs (TensorPrimitives style).</summary>
public interface IBinaryOperator
{
    /// <summary>d[i] = op(x[i], y[i]).</summary>
    static abstract void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d);

    /// <summary>d[i] = op(x[i], y).</summary>
    static abstract void Apply(ReadOnlySpan<float> x, float y, Span<float> d);

    /// <summary>d[i] = op(x, y[i]).</summary>
    static abstract void Apply(float x, ReadOnlySpan<float> y, Span<float> d);
}

/// <summary>x + y.</summary>
public readonly struct AddOperator : IBinaryOperator
{
    /// <inheritdoc />
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Add(x, y, d);
    /// <inheritdoc />
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Add(x, y, d);
    /// <inheritdoc />
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Add(y, x, d);
}

/// <summary>x - y.</summary>
public readonly struct SubtractOperator : IBinaryOperator
{
    /// <inheritdoc />
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Subtract(x, y, d);
    /// <inheritdoc />
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Subtract(x, y, d);
    /// <inheritdoc />
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Subtract(x, y, d);
}

/// <summary>x * y.</summary>
public readonly struct MultiplyOperator : IBinaryOperator
{
    /// <inheritdoc />
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Multiply(x, y, d);
    /// <inheritdoc />
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Multiply(x, y, d);
    /// <inheritdoc />
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Multiply(y, x, d);
}

/// <summary>x / y.</summary>
public readonly struct DivideOperator : IBinaryOperator
{
    /// <inheritdoc />
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Divide(x, y, d);
    /// <inheritdoc />
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Divide(x, y, d);
    /// <inheritdoc />
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Divide(x, y, d);
}

namespace Sharpformer.Tensors;

/// <summary>
/// A slice of a pinned float array that backs one or more tensors (a tensor and its reshaped views share one buffer).
/// Pooled buffers go back to <see cref="BufferPool"/> when their <see cref="TensorScope"/> ends; using a tensor after
/// that throws instead of silently reading another tensor's numbers.
/// </summary>
public sealed class TensorBuffer
{
    private readonly float[] _array;
    private readonly int _offset;
    private bool _released;

    internal TensorBuffer(float[] array, int offset, int length, bool pooled)
    {
        _array = array;
        _offset = offset;
        Length = length;
        IsPooled = pooled;
    }

    /// <summary>Number of floats this buffer exposes.</summary>
    public int Length { get; }

    /// <summary>True when the array came from <see cref="BufferPool"/> and is returned to it on release.</summary>
    public bool IsPooled { get; }

    /// <summary>True once the buffer went back to the pool; any further access throws.</summary>
    public bool IsReleased => _released;

    /// <summary>The numbers, as a span over the pinned array.</summary>
    public Span<float> Span
    {
        get
        {
            if (_released) ThrowReleased();
            return new Span<float>(_array, _offset, Length);
        }
    }

    /// <summary>Raw pointer for kernels; valid for the buffer's lifetime because the array is pinned (allocated on the POH).</summary>
    public unsafe float* Pointer
    {
        get
        {
            if (_released) ThrowReleased();
            return (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _array[_offset]);
        }
    }

    internal float[] Array => _array;

    /// <summary>Returns a pooled array to the pool (idempotent); unpooled buffers are simply marked released.</summary>
    internal void Release()
    {
        if (_released) return;
        _released = true;
        if (IsPooled) BufferPool.Return(_array);
    }

    private static void ThrowReleased() =>
        throw new ObjectDisposedException("TensorBuffer",
            "This tensor's storage was returned to the pool when its TensorScope ended; call Keep() on tensors that must outlive the scope.");
}

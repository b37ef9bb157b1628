namespace Sharpformer.Tensors;

/// <summary>
/// A region (one training step, one decoding call) whose tensors rent pooled storage and return it when the scope is
/// disposed — the same idea as TorchSharp's DisposeScope. Scopes nest per thread; a tensor that must survive the scope
/// calls <see cref="Tensor.Keep"/>, which hands its storage to the enclosing scope (or to the GC at the outermost level).
/// </summary>
/// <example><code>
/// using (new TensorScope())
/// {
///     var loss = model.Forward(batch);
///     loss.Backward();
///     optimizer.Step();
/// }   // every intermediate activation and gradient buffer is back in the pool here
/// </code></example>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly TensorScope? _outer;
    private readonly List<TensorBuffer> _buffers = new();
    private bool _disposed;

    /// <summary>Opens a scope on the calling thread; it becomes the current scope until disposed.</summary>
    public TensorScope()
    {
        _outer = _current;
        _current = this;
    }

    /// <summary>The innermost open scope of this thread, or null.</summary>
    public static TensorScope? Current => _current;

    /// <summary>Number of buffers this scope will return.</summary>
    public int BufferCount => _buffers.Count;

    /// <summary>Allocates storage for a new tensor: pooled inside a scope, GC-owned outside.</summary>
    internal static TensorBuffer Allocate(int length, bool zeroed)
    {
        var scope = _current;
        if (scope is null)
            return BufferPool.AllocateOwned(length);
        var buffer = BufferPool.Rent(length);
        if (zeroed) buffer.Span.Clear();
        scope._buffers.Add(buffer);
        return buffer;
    }

    /// <summary>Moves a buffer out of this scope into the enclosing one (or to the GC when there is none).</summary>
    internal static void Promote(TensorBuffer buffer)
    {
        for (var scope = _current; scope is not null; scope = scope._outer)
        {
            int index = scope._buffers.LastIndexOf(buffer);
            if (index < 0) continue;
            scope._buffers.RemoveAt(index);
            if (scope._outer is not null) scope._outer._buffers.Add(buffer);
            // At the outermost level the buffer keeps its array for good and the GC reclaims it with the tensor.
            return;
        }
    }

    /// <summary>Returns every buffer allocated in this scope to the pool and restores the enclosing scope.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_current != this)
            throw new InvalidOperationException("TensorScopes must be disposed in reverse order of creation, on the thread that created them.");
        foreach (var buffer in _buffers) buffer.Release();
        _buffers.Clear();
        _current = _outer;
    }
}

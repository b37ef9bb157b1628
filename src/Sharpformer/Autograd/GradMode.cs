namespace Sharpformer.Autograd;

/// <summary>
/// Whether operations record the tape on this thread. <c>using (GradMode.NoGrad()) { ... }</c> turns recording off for
/// inference, like <c>torch.no_grad()</c>.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    /// <summary>True unless inside a <see cref="NoGrad"/> scope.</summary>
    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Disables gradient recording until the returned scope is disposed.</summary>
    public static NoGradScope NoGrad()
    {
        _disabledDepth++;
        return new NoGradScope();
    }

    /// <summary>Restores recording when disposed.</summary>
    public struct NoGradScope : IDisposable
    {
        private bool _disposed;

        /// <inheritdoc />
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _disabledDepth--;
        }
    }
}

namespace Sharpformer.Autograd;

/// <summary>
/// Watches the tape of the current thread from outside it (a profiler, a counter): told when an operation's forward
/// ends and around each backward rule. Installed with <see cref="Tape.Observe"/>; the tape itself keeps no statistics.
/// </summary>
public interface ITapeObserver
{
    /// <summary>An operation named <paramref name="op"/> finished its forward computation (recorded or not).</summary>
    void ForwardEnded(string op);

    /// <summary>The backward rule of <paramref name="op"/> is about to run.</summary>
    void BackwardStarting(string op);

    /// <summary>The backward rule of <paramref name="op"/> has run.</summary>
    void BackwardEnded(string op);
}

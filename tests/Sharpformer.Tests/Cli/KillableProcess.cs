using System.Diagnostics;

namespace Sharpformer.Tests.Cli;

/// <summary>
/// The real `sharpformer` program started as a child process that a test can kill with SIGKILL at a chosen moment: a
/// delay after the start, or a delay after a line of its output (for example the report of a given training step).
/// </summary>
internal sealed class KillableProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private KillableProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { _stdoutClosed.TrySetResult(); return; }
            lock (_lines) _lines.Add(e.Data);
        };
        process.BeginOutputReadLine();
    }

    /// <summary>Starts `dotnet sharpformer.dll args`.</summary>
    public static KillableProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sharpformer.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CI"] = "true";
        return new KillableProcess(Process.Start(start)!);
    }

    /// <summary>True once the program has ended by itself or been killed.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits until a line of standard output satisfies <paramref name="match"/>; false if the program ended first.</summary>
    public bool WaitForLine(Func<string, bool> match, TimeSpan timeout) =>
        Await(match, timeout) ?? throw new TimeoutException("sharpformer never printed the awaited line");

    /// <summary>
    /// Waits until a line satisfies <paramref name="match"/> or <paramref name="limit"/> has passed, whichever comes
    /// first (a random moment that the program's progress bounds); false if the line did not come.
    /// </summary>
    public bool WaitForLineAtMost(Func<string, bool> match, TimeSpan limit) => Await(match, limit) ?? false;

    // True when a line matched, false when the program ended first, null when the time ran out.
    private bool? Await(Func<string, bool> match, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        int seen = 0;
        while (waited.Elapsed < timeout)
        {
            lock (_lines)
            {
                for (; seen < _lines.Count; seen++)
                    if (match(_lines[seen])) return true;
            }
            if (_process.HasExited && _stdoutClosed.Task.IsCompleted) return false;
            Thread.Sleep(1);
        }
        return null;
    }

    /// <summary>Kills the program with SIGKILL (no clean-up code of it runs) and waits until it is gone; false if it had already ended.</summary>
    public bool Kill()
    {
        if (_process.HasExited) return false;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            return false; // it ended between the check and the kill
        }
        _process.WaitForExit();
        return true;
    }

    /// <summary>Sends a signal by name (for example "INT", what Ctrl+C sends) without waiting.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the program to end by itself and returns its exit code and standard error.</summary>
    public (int ExitCode, string Stderr) WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) { _process.Kill(true); throw new TimeoutException("sharpformer did not finish"); }
        _process.WaitForExit();
        return (_process.ExitCode, _stderr.Result);
    }

    /// <summary>Standard error so far (complete once the program has ended).</summary>
    public string Stderr => _stderr.IsCompleted ? _stderr.Result : "";

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sharpformer.Autograd;

namespace Sharpformer.Benchmarks;

/// <summary>One row of an <see cref="OpProfiler"/> table: an operation (or a named section) in one pass.</summary>
public sealed record OpTiming(string Op, string Pass, long Calls, double Milliseconds);

/// <summary>
/// Wall time per operation on the current thread, for finding where a step's time goes (the CLI's <c>--profile</c>).
/// It observes the tape (<see cref="ITapeObserver"/>). Forward: every op ends in <see cref="Tape.Record"/>, so an op is
/// charged the time since the previous op ended — its kernel plus the allocation and glue before it (with or without
/// autograd). Backward: each rule is timed on its own. Work between ops that is not an op (an optimiser step, data
/// preparation) is charged to a named section by <see cref="Section"/>, else to the next op.
/// </summary>
public sealed class OpProfiler : ITapeObserver, IDisposable
{
    [ThreadStatic]
    private static OpProfiler? current;

    private readonly Dictionary<(string Op, string Pass), (long Calls, long Ticks)> _totals = [];
    private readonly IDisposable _observation;
    private long _last = Stopwatch.GetTimestamp();
    private long _backwardStart;

    private OpProfiler()
    {
        _observation = Tape.Observe(this);
    }

    /// <summary>Starts profiling the current thread until the returned profiler is disposed.</summary>
    public static OpProfiler Start()
    {
        if (current is not null) throw new InvalidOperationException("OpProfiler: this thread is already being profiled.");
        return current = new OpProfiler();
    }

    /// <summary>Charges the time since the previous mark to <paramref name="name"/>, e.g. "optimizer step" after an Adam update.</summary>
    public static void Section(string name) => current?.Charge(name, "other", Stopwatch.GetTimestamp());

    /// <summary>Forgets everything measured so far (after warm-up steps).</summary>
    public void Reset()
    {
        _totals.Clear();
        _last = Stopwatch.GetTimestamp();
    }

    /// <summary>Operations by total time, longest first.</summary>
    public IReadOnlyList<OpTiming> Timings() =>
        [.. _totals.Select(kv => new OpTiming(kv.Key.Op, kv.Key.Pass, kv.Value.Calls, kv.Value.Ticks * 1000.0 / Stopwatch.Frequency))
            .OrderByDescending(t => t.Milliseconds)];

    /// <summary>A text table of the <paramref name="top"/> longest rows, per <paramref name="steps"/> steps, with each row's share of the total.</summary>
    public string Format(int steps, int top = 25)
    {
        var rows = Timings();
        double total = rows.Sum(r => r.Milliseconds);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"op",-24} {"pass",-8} {"calls/step",10} {"ms/step",9} {"share",7}");
        foreach (var r in rows.Take(top))
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{r.Op,-24} {r.Pass,-8} {(double)r.Calls / steps,10:0.#} {r.Milliseconds / steps,9:0.000} {r.Milliseconds / Math.Max(total, 1e-9),7:P1}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"total",-24} {"",-8} {"",10} {total / steps,9:0.000} {1,7:P1}");
        return text.ToString();
    }

    /// <summary>Stops profiling the thread.</summary>
    public void Dispose()
    {
        if (!ReferenceEquals(current, this)) return;
        _observation.Dispose();
        current = null;
    }

    /// <inheritdoc/>
    void ITapeObserver.ForwardEnded(string op) => Charge(op, "forward", Stopwatch.GetTimestamp());

    /// <inheritdoc/>
    void ITapeObserver.BackwardStarting(string op) => _backwardStart = Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    void ITapeObserver.BackwardEnded(string op) => Charge(op, "backward", Stopwatch.GetTimestamp(), _backwardStart);

    private void Charge(string op, string pass, long now, long start = 0)
    {
        long ticks = now - (start == 0 ? _last : start);
        var key = (op, pass);
        _totals[key] = _totals.TryGetValue(key, out var t) ? (t.Calls + 1, t.Ticks + ticks) : (1, ticks);
        _last = now;
    }
}

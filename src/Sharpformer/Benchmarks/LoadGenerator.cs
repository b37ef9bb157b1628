using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sharpformer.Benchmarks;

/// <summary>
/// What <see cref="LoadGenerator"/> measured: latency percentiles and mean in milliseconds, requests per second over the
/// whole run, the mean number of sentences the server decoded together, and how many requests failed.
/// </summary>
public sealed record LoadResult(int Clients, int Requests, int Failures, double P50Ms, double P99Ms, double MeanMs, double RequestsPerSecond, double MeanBatch);

/// <summary>
/// One reporting interval of a soak: the requests answered in it, and at its end the process's working set and its live
/// managed heap, both measured right after a full, compacting collection that also returns free memory to the
/// operating system (what a leak would make grow; without it both would mostly show how much garbage the collector had
/// let pile up). The load generator keeps fixed-size latency histograms, so the figures are the server's.
/// </summary>
public sealed record SoakInterval(double EndSeconds, LoadResult Load, double WorkingSetMb, double LiveHeapMb);

/// <summary>A soak: the whole run and its intervals.</summary>
public sealed record SoakResult(LoadResult Total, IReadOnlyList<SoakInterval> Intervals)
{
    /// <summary>Growth of the live managed heap from the end of the first interval (the server at full load) to the end of the last.</summary>
    public double LiveHeapGrowth => Intervals.Count < 2 ? 0 : Intervals[^1].LiveHeapMb / Intervals[0].LiveHeapMb - 1;

    /// <summary>Growth of the working set over the same span.</summary>
    public double WorkingSetGrowth => Intervals.Count < 2 ? 0 : Intervals[^1].WorkingSetMb / Intervals[0].WorkingSetMb - 1;
}

/// <summary>
/// A closed-loop load test of a translation server's <c>POST /api/translate</c> (the JSON API of <c>sharpformer
/// serve</c>, which answers with the <c>batch_size</c> it decoded the request in): <c>clients</c> concurrent clients each
/// send one request, wait for the answer and send the next, until <c>requests</c> have been answered (<see cref="RunAsync"/>)
/// or a duration has passed (<see cref="SoakAsync"/>); inputs are taken round-robin. Latencies go into
/// <see cref="LatencyHistogram"/>s (percentiles within 0.5%), so the generator's memory does not grow with the run.
/// </summary>
public static class LoadGenerator
{
    /// <summary>Sends <paramref name="requests"/> requests after a short sequential warm-up.</summary>
    public static async Task<LoadResult> RunAsync(Uri server, IReadOnlyList<string> texts, int clients, int requests, int beam)
    {
        using var http = await ConnectAsync(server, texts, clients, beam);
        var clock = Stopwatch.StartNew();
        var tally = new Tally();
        await DriveAsync(http, texts, clients, beam, i => i < requests, CancellationToken.None, tally);
        return tally.Summarize(clients, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Keeps the clients sending for <paramref name="duration"/> after a short sequential warm-up, and reports each
    /// <paramref name="interval"/>'s latencies, throughput, the process's working set and live heap (through
    /// <paramref name="progress"/> as they complete, and in the result): the figures of a soak test. A request belongs
    /// to the interval in which its answer arrived.
    /// </summary>
    public static async Task<SoakResult> SoakAsync(Uri server, IReadOnlyList<string> texts, int clients, int beam, TimeSpan duration, TimeSpan interval,
        IProgress<SoakInterval>? progress = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        using var http = await ConnectAsync(server, texts, clients, beam);
        var clock = Stopwatch.StartNew();
        var total = new Tally();
        var current = new Tally();
        var intervals = new List<SoakInterval>();
        var driving = DriveAsync(http, texts, clients, beam, _ => clock.Elapsed < duration, cancel, total, () => Volatile.Read(ref current));
        for (int n = 1; ; n++)
        {
            var boundary = TimeSpan.FromTicks(interval.Ticks * n);
            if (boundary >= duration) await driving; // the last interval ends when the requests in flight are answered
            else if (boundary > clock.Elapsed) await Task.WhenAny(driving, Task.Delay(boundary - clock.Elapsed, cancel));
            var end = driving.IsCompleted ? clock.Elapsed : boundary;
            double from = intervals.Count > 0 ? intervals[^1].EndSeconds : 0;
            var finished = Interlocked.Exchange(ref current, new Tally());
            var (workingSet, liveHeap) = MemoryAfterFullCollection();
            var report = new SoakInterval(end.TotalSeconds, finished.Summarize(clients, end.TotalSeconds - from), workingSet, liveHeap);
            intervals.Add(report);
            progress?.Report(report);
            if (driving.IsCompleted) break;
        }
        await driving;
        return new SoakResult(total.Summarize(clients, clock.Elapsed.TotalSeconds), intervals);
    }

    private static async Task<HttpClient> ConnectAsync(Uri server, IReadOnlyList<string> texts, int clients, int beam)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromMinutes(10),
        };
        foreach (var text in texts.Take(3)) await SendAsync(http, text, beam);
        return http;
    }

    // Runs the clients while more(i) holds for the next request number i; every answered request goes into the total
    // and into the tally interval() names at that moment.
    private static Task DriveAsync(HttpClient http, IReadOnlyList<string> texts, int clients, int beam, Func<int, bool> more, CancellationToken cancel,
        Tally total, Func<Tally>? interval = null)
    {
        int next = -1;
        return Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (int i = Interlocked.Increment(ref next); more(i) && !cancel.IsCancellationRequested; i = Interlocked.Increment(ref next))
            {
                long start = Stopwatch.GetTimestamp();
                int? batch = await SendAsync(http, texts[i % texts.Count], beam);
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                total.Add(ms, batch);
                interval?.Invoke().Add(ms, batch);
            }
        }));
    }

    // The batch size the server reports, or null when the request failed (an error status or no answer).
    private static async Task<int?> SendAsync(HttpClient http, string text, int beam)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/translate", new { text, beam });
            if (!response.IsSuccessStatusCode) return null;
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            return json.GetProperty("batch_size").GetInt32();
        }
        catch (HttpRequestException)
        {
            return null; // a dropped connection is a failed request, counted like an error status
        }
    }

    // A compacting full collection in the aggressive mode, which also decommits the memory it frees, then the working
    // set and the bytes still allocated.
    private static (double WorkingSetMb, double LiveHeapMb) MemoryAfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        const double mb = 1024.0 * 1024.0;
        return (Environment.WorkingSet / mb, GC.GetTotalMemory(forceFullCollection: false) / mb);
    }

    /// <summary>The answered requests of a run or an interval: latencies, failures, batch sizes; safe to add to from any thread.</summary>
    private sealed class Tally
    {
        private readonly LatencyHistogram _latencies = new();
        private int _failures;
        private long _batchSum, _batches;

        public void Add(double ms, int? batch)
        {
            lock (_latencies)
            {
                _latencies.Add(ms);
                if (batch is null) _failures++;
                else if (batch > 0)
                {
                    _batchSum += batch.Value;
                    _batches++;
                }
            }
        }

        public LoadResult Summarize(int clients, double seconds)
        {
            lock (_latencies)
            {
                if (_latencies.Count == 0) return new LoadResult(clients, 0, 0, 0, 0, 0, 0, 0);
                return new LoadResult(clients, (int)_latencies.Count, _failures, _latencies.Percentile(0.50), _latencies.Percentile(0.99),
                    _latencies.SumMs / _latencies.Count, _latencies.Count / Math.Max(seconds, 1e-9), _batches == 0 ? 0 : (double)_batchSum / _batches);
            }
        }
    }
}

using System.Collections.Concurrent;
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
/// managed heap (after a full collection: what a leak would make grow, unlike the working set, which also holds
/// garbage not yet collected and memory the runtime keeps for reuse).
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
/// or a duration has passed (<see cref="SoakAsync"/>); inputs are taken round-robin.
/// </summary>
public static class LoadGenerator
{
    private readonly record struct Sample(double EndSeconds, double LatencyMs, int? Batch);

    /// <summary>Sends <paramref name="requests"/> requests after a short sequential warm-up.</summary>
    public static async Task<LoadResult> RunAsync(Uri server, IReadOnlyList<string> texts, int clients, int requests, int beam)
    {
        using var http = await ConnectAsync(server, texts, clients, beam);
        var clock = Stopwatch.StartNew();
        var samples = await DriveAsync(http, texts, clients, beam, clock, i => i < requests, CancellationToken.None);
        return Summarize(clients, samples, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Keeps the clients sending for <paramref name="duration"/> after a short sequential warm-up, and reports each
    /// <paramref name="interval"/>'s latencies, throughput, the process's working set and live heap (through
    /// <paramref name="progress"/> as they complete, and in the result): the figures of a soak test.
    /// </summary>
    public static async Task<SoakResult> SoakAsync(Uri server, IReadOnlyList<string> texts, int clients, int beam, TimeSpan duration, TimeSpan interval,
        IProgress<SoakInterval>? progress = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        using var http = await ConnectAsync(server, texts, clients, beam);
        var clock = Stopwatch.StartNew();
        var samples = new ConcurrentQueue<Sample>();
        var intervals = new List<SoakInterval>();
        var driving = DriveAsync(http, texts, clients, beam, clock, _ => clock.Elapsed < duration, cancel, samples);
        for (int n = 1; ; n++)
        {
            var boundary = TimeSpan.FromTicks(interval.Ticks * n);
            if (boundary >= duration) await driving; // the last interval ends when the requests in flight are answered
            else if (boundary > clock.Elapsed) await Task.WhenAny(driving, Task.Delay(boundary - clock.Elapsed, cancel));
            var end = driving.IsCompleted ? clock.Elapsed : boundary;
            double from = intervals.Count > 0 ? intervals[^1].EndSeconds : 0;
            var window = samples.Where(s => s.EndSeconds > from && s.EndSeconds <= end.TotalSeconds).ToList();
            var report = new SoakInterval(end.TotalSeconds, Summarize(clients, window, end.TotalSeconds - from), WorkingSetMb(), LiveHeapMb());
            intervals.Add(report);
            progress?.Report(report);
            if (driving.IsCompleted) break;
        }
        var all = await driving;
        // The same windows again over every sample: one that ended just before a boundary may have been queued after it.
        var complete = intervals.Select((i, n) =>
        {
            double from = n > 0 ? intervals[n - 1].EndSeconds : 0;
            return i with { Load = Summarize(clients, [.. all.Where(s => s.EndSeconds > from && s.EndSeconds <= i.EndSeconds)], i.EndSeconds - from) };
        }).ToList();
        return new SoakResult(Summarize(clients, all, clock.Elapsed.TotalSeconds), complete);
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

    // Runs the clients while more(i) holds for the next request number i; every answered request is a sample.
    private static async Task<IReadOnlyList<Sample>> DriveAsync(HttpClient http, IReadOnlyList<string> texts, int clients, int beam, Stopwatch clock,
        Func<int, bool> more, CancellationToken cancel, ConcurrentQueue<Sample>? samples = null)
    {
        samples ??= new ConcurrentQueue<Sample>();
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (int i = Interlocked.Increment(ref next); more(i) && !cancel.IsCancellationRequested; i = Interlocked.Increment(ref next))
            {
                long start = Stopwatch.GetTimestamp();
                int? batch = await SendAsync(http, texts[i % texts.Count], beam);
                samples.Enqueue(new Sample(clock.Elapsed.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalMilliseconds, batch));
            }
        }));
        return [.. samples];
    }

    private static LoadResult Summarize(int clients, IReadOnlyCollection<Sample> samples, double seconds)
    {
        var latencies = samples.Select(s => s.LatencyMs).Order().ToArray();
        if (latencies.Length == 0) return new LoadResult(clients, 0, 0, 0, 0, 0, 0, 0);
        return new LoadResult(clients, latencies.Length, samples.Count(s => s.Batch is null), Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            latencies.Average(), latencies.Length / Math.Max(seconds, 1e-9), samples.Where(s => s.Batch is > 0).Select(s => (double)s.Batch!.Value).DefaultIfEmpty().Average());
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

    private static double WorkingSetMb() => Environment.WorkingSet / (1024.0 * 1024.0);

    private static double LiveHeapMb() => GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024.0);

    // Nearest-rank percentile of sorted values.
    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

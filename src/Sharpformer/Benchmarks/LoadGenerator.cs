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
/// A closed-loop load test of a translation server's <c>POST /api/translate</c> (the JSON API of <c>sharpformer
/// serve</c>, which answers with the <c>batch_size</c> it decoded the request in): <c>clients</c> concurrent clients each
/// send one request, wait for the answer and send the next, until <c>requests</c> have been answered; inputs are taken
/// round-robin.
/// </summary>
public static class LoadGenerator
{
    /// <summary>Runs the load against <paramref name="server"/> after a short sequential warm-up.</summary>
    public static async Task<LoadResult> RunAsync(Uri server, IReadOnlyList<string> texts, int clients, int requests, int beam)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromMinutes(10),
        };
        foreach (var text in texts.Take(3)) await SendAsync(http, text, beam);

        var latencies = new double[requests];
        var batches = new int[requests];
        int next = -1, failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (int i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
            {
                long start = Stopwatch.GetTimestamp();
                int? batch = await SendAsync(http, texts[i % texts.Count], beam);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (batch is null) Interlocked.Increment(ref failures);
                batches[i] = batch ?? 0;
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new LoadResult(clients, requests, failures, Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Average(),
            requests / seconds, batches.Where(b => b > 0).DefaultIfEmpty().Average());
    }

    // The batch size the server reports, or null when the request failed.
    private static async Task<int?> SendAsync(HttpClient http, string text, int beam)
    {
        using var response = await http.PostAsJsonAsync("/api/translate", new { text, beam });
        if (!response.IsSuccessStatusCode) return null;
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("batch_size").GetInt32();
    }

    // Nearest-rank percentile of sorted values.
    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

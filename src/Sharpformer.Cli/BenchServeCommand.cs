using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sharpformer.Benchmarks;
using Sharpformer.Cli.Serving;
using Sharpformer.Decoding;
using Sharpformer.NN;
using Sharpformer.Tasks;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer bench serve`: starts the server of `serve` in-process on a free loopback port and measures
/// <c>POST /api/translate</c> under concurrent clients — p50/p99 latency and requests per second; with <c>--duration</c> a
/// soak: the clients keep sending for that long and every <c>--report-every</c> seconds a line gives that interval's
/// figures and the working set, which must not grow.
/// </summary>
internal static class BenchServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = ModelOptions.Model();
        var clients = ModelOptions.Positive("--clients", "Concurrent clients, each sending its next request when answered.", 50);
        var requests = ModelOptions.Positive("--requests", "Requests in total.", 500);
        var beam = ModelOptions.Beam();
        var maxBatch = ModelOptions.Positive("--max-batch", "Most sentences the server decodes together.", new ServeOptions().MaxBatch);
        var input = new Option<FileInfo?>("--input") { Description = "Texts to send, one per line (default: held-out rescue reports)." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var computeType = ModelOptions.ComputeTypeOption();
        var duration = new Option<int?>("--duration") { Description = "Soak: keep the clients sending for this many seconds (instead of --requests), reporting each interval." };
        duration.Validators.Add(d => { if (d.GetValueOrDefault<int?>() is < 1) d.AddError("--duration must be at least 1."); });
        var reportEvery = ModelOptions.Positive("--report-every", "Seconds per reported interval of a soak.", 60);
        var command = new Command("serve", "Measure the latency and throughput of `serve` under concurrent clients.")
        {
            model, clients, requests, beam, maxBatch, input, json, duration, reportEvery, computeType,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var loaded = ModelOptions.Load(r.GetValue(model)!);
            r.GetValue(computeType).ApplyTo(loaded.Module);
            var file = r.GetValue(input);
            if (file is not null) CommandErrors.RequireFile(file.FullName);
            var texts = file is null
                ? new RescueTask().Generate(TaskSplit.Test, 200, seed: 1).Select(p => p.Source).ToList()
                : File.ReadLines(file.FullName).Where(l => l.Trim().Length > 0).ToList();
            if (texts.Count == 0) throw new UserError($"{file!.FullName} holds no text.");
            var options = new ServeOptions { Url = "http://127.0.0.1:0", MaxBatch = r.GetValue(maxBatch), MaxInputChars = int.MaxValue };
            if (r.GetValue(duration) is { } seconds)
            {
                var soak = Soak(loaded, options, texts, r.GetValue(clients), r.GetValue(beam), seconds, r.GetValue(reportEvery), !r.GetValue(json));
                Console.WriteLine(r.GetValue(json) ? JsonSerializer.Serialize(soak, ServerJson.Options) : Describe(soak));
                return soak.Total.Failures == 0 ? 0 : 1;
            }
            var result = Run(loaded, options, texts, r.GetValue(clients), r.GetValue(requests), r.GetValue(beam)).GetAwaiter().GetResult();
            Console.WriteLine(r.GetValue(json) ? JsonSerializer.Serialize(result, ServerJson.Options) : Describe(result, r.GetValue(beam)));
            return result.Failures == 0 ? 0 : 1;
        }));
        return command;
    }

    private static async Task<LoadResult> Run(TranslationModel model, ServeOptions options, IReadOnlyList<string> texts, int clients, int requests, int beam)
    {
        await using var server = await TranslationServer.StartAsync(model, options);
        return await LoadGenerator.RunAsync(server.Url, texts, clients, requests, beam);
    }

    private static SoakResult Soak(TranslationModel model, ServeOptions options, IReadOnlyList<string> texts, int clients, int beam, int seconds, int every, bool print)
    {
        var report = new Progress<SoakInterval>(i => Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "{0,6:F0} s: {1,6} requests, {2,7:F1} requests/s, p50 {3,5:F0} ms, p99 {4,5:F0} ms, {5} failed, working set {6:F0} MB, live heap {7:F1} MB",
            i.EndSeconds, i.Load.Requests, i.Load.RequestsPerSecond, i.Load.P50Ms, i.Load.P99Ms, i.Load.Failures, i.WorkingSetMb, i.LiveHeapMb)));
        return Task.Run(async () =>
        {
            await using var server = await TranslationServer.StartAsync(model, options);
            return await LoadGenerator.SoakAsync(server.Url, texts, clients, beam, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(every), print ? report : null);
        }).GetAwaiter().GetResult();
    }

    private static string Describe(SoakResult s) => string.Format(CultureInfo.InvariantCulture,
        "Soak of {0:F0} s, {1} clients: {2} requests, {3:F1} requests/s, p50 {4:F0} ms, p99 {5:F0} ms, {6} failed; from the first interval's end to the last's: live heap {7:+0.0;-0.0}%, working set {8:+0.0;-0.0}%.",
        s.Intervals.Count > 0 ? s.Intervals[^1].EndSeconds : 0, s.Total.Clients, s.Total.Requests, s.Total.RequestsPerSecond, s.Total.P50Ms, s.Total.P99Ms,
        s.Total.Failures, 100 * s.LiveHeapGrowth, 100 * s.WorkingSetGrowth);

    private static string Describe(LoadResult r, int beam) => string.Format(CultureInfo.InvariantCulture,
        "POST /api/translate, {0} clients, {1} requests, beam {2}: p50 {3:F0} ms, p99 {4:F0} ms, mean {5:F0} ms, {6:F1} requests/s, mean batch {7:F1} sentences, {8} failed.",
        r.Clients, r.Requests, beam, r.P50Ms, r.P99Ms, r.MeanMs, r.RequestsPerSecond, r.MeanBatch, r.Failures);
}

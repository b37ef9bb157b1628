using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sharpformer.Benchmarks;
using Sharpformer.Cli.Serving;
using Sharpformer.Decoding;
using Sharpformer.Tasks;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer bench serve`: starts the server of `serve` in-process on a free loopback port and measures
/// <c>POST /api/translate</c> under concurrent clients — p50/p99 latency and requests per second.
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
        var command = new Command("serve", "Measure the latency and throughput of `serve` under concurrent clients.") { model, clients, requests, beam, maxBatch, input, json };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var loaded = ModelOptions.Load(r.GetValue(model)!);
            var file = r.GetValue(input);
            if (file is not null) CommandErrors.RequireFile(file.FullName);
            var texts = file is null
                ? new RescueTask().Generate(TaskSplit.Test, 200, seed: 1).Select(p => p.Source).ToList()
                : File.ReadLines(file.FullName).Where(l => l.Trim().Length > 0).ToList();
            if (texts.Count == 0) throw new UserError($"{file!.FullName} holds no text.");
            var result = Run(loaded, texts, r.GetValue(clients), r.GetValue(requests), r.GetValue(beam), r.GetValue(maxBatch)).GetAwaiter().GetResult();
            Console.WriteLine(r.GetValue(json) ? JsonSerializer.Serialize(result, ServerJson.Options) : Describe(result, r.GetValue(beam)));
            return result.Failures == 0 ? 0 : 1;
        }));
        return command;
    }

    private static async Task<LoadResult> Run(Decoding.TranslationModel model, IReadOnlyList<string> texts, int clients, int requests, int beam, int maxBatch)
    {
        await using var server = await TranslationServer.StartAsync(model,
            new ServeOptions { Url = "http://127.0.0.1:0", MaxBatch = maxBatch, MaxInputChars = int.MaxValue });
        return await LoadGenerator.RunAsync(server.Url, texts, clients, requests, beam);
    }

    private static string Describe(LoadResult r, int beam) => string.Format(CultureInfo.InvariantCulture,
        "POST /api/translate, {0} clients, {1} requests, beam {2}: p50 {3:F0} ms, p99 {4:F0} ms, mean {5:F0} ms, {6:F1} requests/s, mean batch {7:F1} sentences, {8} failed.",
        r.Clients, r.Requests, beam, r.P50Ms, r.P99Ms, r.MeanMs, r.RequestsPerSecond, r.MeanBatch, r.Failures);
}

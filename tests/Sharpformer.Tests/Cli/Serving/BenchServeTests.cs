using System.Text.Json;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>`sharpformer bench serve` as a process: it serves a saved model in-process and measures it under concurrent clients.</summary>
public sealed class BenchServeTests
{
    [Fact]
    public void Bench_serve_reports_latency_percentiles_and_throughput_as_json()
    {
        using var dir = new TemporaryDirectory();
        ServedModel.CreateModel().Save(dir.Path);
        string input = dir.File("texts.txt");
        File.WriteAllLines(input, ServedModel.Texts);

        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "serve", "--model", dir.Path, "--clients", "4", "--requests", "12",
            "--beam", "2", "--input", input, "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var result = json.RootElement;
        Assert.Equal(12, result.GetProperty("requests").GetInt32());
        Assert.Equal(0, result.GetProperty("failures").GetInt32());
        Assert.InRange(result.GetProperty("p50_ms").GetDouble(), 0.01, result.GetProperty("p99_ms").GetDouble());
        Assert.True(result.GetProperty("requests_per_second").GetDouble() > 0);
        Assert.InRange(result.GetProperty("mean_batch").GetDouble(), 1, 4);
    }
}

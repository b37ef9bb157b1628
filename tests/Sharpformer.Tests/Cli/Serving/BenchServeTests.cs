using System.Text.Json;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>`sharpformer bench serve` as a process: it serves a saved model in-process and measures it under concurrent clients.</summary>
public sealed class BenchServeTests
{
    [Theory]
    [InlineData("float32")]
    [InlineData("int8")]
    public void Bench_serve_reports_latency_percentiles_and_throughput_as_json(string computeType)
    {
        using var dir = new TemporaryDirectory();
        ServedModel.CreateModel().Save(dir.Path);
        string input = dir.File("texts.txt");
        File.WriteAllLines(input, ServedModel.Texts);

        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "serve", "--model", dir.Path, "--clients", "4", "--requests", "12",
            "--beam", "2", "--input", input, "--json", "--compute-type", computeType);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var result = json.RootElement;
        Assert.Equal(12, result.GetProperty("requests").GetInt32());
        Assert.Equal(0, result.GetProperty("failures").GetInt32());
        Assert.InRange(result.GetProperty("p50_ms").GetDouble(), 0.01, result.GetProperty("p99_ms").GetDouble());
        Assert.True(result.GetProperty("requests_per_second").GetDouble() > 0);
        Assert.InRange(result.GetProperty("mean_batch").GetDouble(), 1, 4);
    }

    [Fact]
    public void Bench_serve_with_a_duration_soaks_and_reports_every_interval_with_the_working_set()
    {
        using var dir = new TemporaryDirectory();
        ServedModel.CreateModel().Save(dir.Path);
        string input = dir.File("texts.txt");
        File.WriteAllLines(input, ServedModel.Texts);

        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "serve", "--model", dir.Path, "--clients", "6", "--duration", "4",
            "--report-every", "1", "--beam", "1", "--input", input, "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var intervals = json.RootElement.GetProperty("intervals").EnumerateArray().ToList();
        Assert.InRange(intervals.Count, 4, 5);
        Assert.All(intervals, i => Assert.True(i.GetProperty("load").GetProperty("requests").GetInt32() > 0));
        Assert.All(intervals, i => Assert.True(i.GetProperty("working_set_mb").GetDouble() > 10));
        var total = json.RootElement.GetProperty("total");
        Assert.Equal(intervals.Sum(i => i.GetProperty("load").GetProperty("requests").GetInt32()), total.GetProperty("requests").GetInt32());
        Assert.Equal(0, total.GetProperty("failures").GetInt32());
        Assert.InRange(intervals[^1].GetProperty("end_seconds").GetDouble(), 3.9, 8);
        Assert.All(intervals, i => Assert.InRange(i.GetProperty("live_heap_mb").GetDouble(), 0.1, i.GetProperty("working_set_mb").GetDouble()));
        Assert.True(double.IsFinite(json.RootElement.GetProperty("live_heap_growth").GetDouble()));
    }
}

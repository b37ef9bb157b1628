using System.Text.Json;

namespace Sharpformer.Tests.Cli;

/// <summary>`bench train`: one timed step of preset S reports its figures as JSON.</summary>
public sealed class BenchTrainTests
{
    [Fact]
    public void Bench_train_reports_the_step_time_throughput_and_memory_of_preset_S_as_json()
    {
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "train", "--preset", "S", "--steps", "1", "--json");
        Assert.True(code == 0, stderr);
        using var result = JsonDocument.Parse(stdout);
        var root = result.RootElement;
        Assert.Equal("S", root.GetProperty("Preset").GetString());
        Assert.Equal(7_586_624, root.GetProperty("Parameters").GetInt64()); // d_model 256, 3+3 layers, tied vocabulary of 8000
        Assert.True(root.GetProperty("MeanMilliseconds").GetDouble() > 0);
        Assert.True(root.GetProperty("TargetTokensPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("PeakWorkingSetBytes").GetInt64() > 0);
        Assert.Equal(1, root.GetProperty("Processes").GetInt32());
    }
}

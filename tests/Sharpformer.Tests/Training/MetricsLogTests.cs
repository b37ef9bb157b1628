using Sharpformer.Tests.IO;
using Sharpformer.Training;

namespace Sharpformer.Tests.Training;

/// <summary><see cref="MetricsLog"/>: a resumed run's log is rewound to its checkpoint, a torn last line dropped.</summary>
public sealed class MetricsLogTests
{
    [Fact]
    public void Rewinding_keeps_the_complete_records_up_to_the_checkpoint_step()
    {
        using var dir = new TemporaryDirectory();
        var log = new MetricsLog(dir.File("metrics.jsonl"));
        log.RewindTo(3); // no file yet: nothing to do
        Assert.False(File.Exists(log.Path));
        for (int step = 1; step <= 5; step++) log.Append([("step", step), ("loss", 1.0 / step)]);
        File.AppendAllText(log.Path, "{\"step\": 6, \"lo"); // killed in the middle of a line
        log.RewindTo(3);
        Assert.Equal([1, 2, 3], MetricsLog.Read(log.Path).Select(r => (int)r["step"]));
        log.Append([("step", 4), ("loss", 0.25)]);
        Assert.Equal([1, 2, 3, 4], MetricsLog.Read(log.Path).Select(r => (int)r["step"]));
        log.RewindTo(10);
        Assert.Equal(4, MetricsLog.Read(log.Path).Count);
        log.RewindTo(0);
        Assert.Empty(MetricsLog.Read(log.Path));
    }
}

using Sharpformer.Training;

namespace Sharpformer.Tests.Training;

public sealed class TrainingWindowTests
{
    [Fact]
    public void A_window_reports_the_means_of_its_steps_and_starts_afresh_when_closed()
    {
        var window = new TrainingWindow();
        window.AddTokens(300);
        window.AddStep(2.0, 4.0);
        window.AddTokens(100);
        window.AddStep(1.0, 2.0);
        window.SetPartNorms([("encoder.layers.0", 0.5)]);
        Assert.Equal(1.5, window.MeanLoss);
        var line = window.Close(step: 20, lr: 1e-3f, TimeSpan.FromSeconds(7)).ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal(20L, line["step"]);
        Assert.Equal(1.5, line["train_loss"]);
        Assert.Equal(3.0, line["grad_norm"]);
        Assert.Equal(0.5, line["grad_norm.encoder.layers.0"]);
        Assert.True((double)line["tokens_per_s"]! > 0);
        Assert.Equal(7.0, line["elapsed_s"]);

        Assert.Equal(0, window.Steps);
        window.AddStep(4.0, 1.0);
        var next = window.Close(30, 1e-3f, TimeSpan.FromSeconds(9)).ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal(4.0, next["train_loss"]);
        Assert.False(next.ContainsKey("grad_norm.encoder.layers.0"));
        Assert.Equal(0.0, next["tokens_per_s"]);
    }
}

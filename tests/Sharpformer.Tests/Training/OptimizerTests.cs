using Sharpformer.Tensors;
using Sharpformer.Training;

namespace Sharpformer.Tests.Training;

public sealed class OptimizerTests
{
    private static (string, Tensor)[] One(float value, float grad)
    {
        var p = Tensor.FromArray([value], 1);
        p.RequiresGrad = true;
        p.Grad?.Data.Clear();
        SetGrad(p, grad);
        return [("w", p)];
    }

    private static void SetGrad(Tensor p, float grad)
    {
        Sharpformer.Autograd.Tape.GradSpan(p)[0] = grad;
    }

    [Fact]
    public void Adam_matches_the_bias_corrected_update_step_by_step()
    {
        var parameters = One(1f, 0.5f);
        var adam = new Adam(parameters, beta1: 0.9f, beta2: 0.98f, eps: 1e-9f);
        double theta = 1, m = 0, v = 0;
        float[] grads = [0.5f, -0.2f, 0.1f];
        for (int t = 1; t <= 3; t++)
        {
            SetGrad(parameters[0].Item2, grads[t - 1]);
            adam.Step(0.01f);
            m = 0.9 * m + 0.1 * grads[t - 1];
            v = 0.98 * v + 0.02 * grads[t - 1] * grads[t - 1];
            theta -= 0.01 * (m / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v / (1 - Math.Pow(0.98, t))) + 1e-9);
            Assert.Equal(theta, parameters[0].Item2.Data[0], 5);
        }
    }

    [Fact]
    public void AdamW_decays_weights_decoupled_from_the_gradient()
    {
        var parameters = One(2f, 0f);
        new Adam(parameters, weightDecay: 0.1f).Step(0.5f);
        Assert.Equal(2f * (1 - 0.5f * 0.1f), parameters[0].Item2.Data[0], 6);
    }

    [Fact]
    public void Sgd_with_momentum_accumulates_a_velocity()
    {
        var parameters = One(1f, 1f);
        var sgd = new Sgd(parameters, momentum: 0.9f);
        sgd.Step(0.1f); // b = 1
        sgd.Step(0.1f); // b = 1.9
        Assert.Equal(1f - 0.1f - 0.19f, parameters[0].Item2.Data[0], 6);
    }

    [Fact]
    public void Optimizer_state_round_trips()
    {
        var a = One(1f, 0.3f);
        var adam = new Adam(a);
        adam.Step(0.1f);
        var b = One(1f, 0.3f);
        var restored = new Adam(b);
        restored.LoadState(adam.StateTensors(), adam.StepCount);
        b[0].Item2.Data[0] = a[0].Item2.Data[0];
        adam.Step(0.1f);
        restored.Step(0.1f);
        Assert.Equal(a[0].Item2.Data[0], b[0].Item2.Data[0]);
    }

    [Fact]
    public void Warmup_schedule_follows_the_papers_formula()
    {
        var s = new WarmupInverseSqrtSchedule(512, 4000);
        Assert.Equal(Math.Pow(512, -0.5) * 1 * Math.Pow(4000, -1.5), s.At(1), 9);
        Assert.Equal(Math.Pow(512, -0.5) * Math.Pow(4000, -0.5), s.At(4000), 9);
        Assert.True(s.At(2000) < s.At(4000) && s.At(8000) < s.At(4000));
        Assert.Equal(2 * s.At(100), new WarmupInverseSqrtSchedule(512, 4000, 2f).At(100), 9);
    }

    [Fact]
    public void Cosine_schedule_warms_up_then_decays_to_the_minimum()
    {
        var s = new CosineSchedule(1f, 110, WarmupSteps: 10, Minimum: 0.1f);
        Assert.Equal(0.5f, s.At(5), 6);
        Assert.Equal(1f, s.At(10), 6);
        Assert.Equal(0.55f, s.At(60), 5);
        Assert.Equal(0.1f, s.At(110), 6);
    }

    [Fact]
    public void Clipping_scales_gradients_to_the_maximum_norm_and_reports_the_original()
    {
        var p = Tensor.FromArray([0f, 0f], 2);
        p.RequiresGrad = true;
        var g = Sharpformer.Autograd.Tape.GradSpan(p);
        g[0] = 3f; g[1] = 4f;
        Assert.Equal(5.0, GradientClipping.ClipNorm([p], 1f), 6);
        Assert.Equal(0.6f, p.Grad!.Data[0], 4);
        Assert.Equal(0.8f, p.Grad!.Data[1], 4);
        g[0] = float.NaN;
        Assert.True(double.IsNaN(GradientClipping.ClipNorm([p], 1f)));
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sharpformer.Autograd;
using Sharpformer.Benchmarks;
using Sharpformer.Kernels;
using Sharpformer.Training;
using Spectre.Console;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer bench train`: ms per full training step of the Transformer presets S and M, target tokens/s, peak
/// working set and managed bytes per step; under `mpirun ... --distributed mpi` also the all-reduce time per step
/// (rank 0 prints).
/// </summary>
internal static class BenchTrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "S (d_model 256, 3+3 layers, batch 32x32x32), M (the paper's base model, batch 16x32x32) or G2P (the g2p recipe's Transformer, batch 300x10x8).", DefaultValueFactory = _ => "S" };
        preset.AcceptOnlyFromAmong("S", "M", "G2P", "s", "m", "g2p");
        var threads = ModelOptions.Threads();
        var steps = new Option<int>("--steps") { Description = "Timed steps (after 2 untimed warm-up steps).", DefaultValueFactory = _ => 10 };
        steps.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--steps must be at least 1."); });
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var distributed = DistributedOption.Create();
        var profile = ProfileOption.Create();
        var command = new Command("train", "Measure full training steps (forward, backward, Adam) of a Transformer on a synthetic batch.")
        {
            preset, threads, steps, json, distributed, profile,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            if (r.GetValue(threads) is int count) KernelThreads.SetCount(count);
            using var world = DistributedOption.Start(r.GetValue(distributed));
            using var profiler = r.GetValue(profile) ? OpProfiler.Start() : null;
            var result = TrainingBenchmark.Measure(TrainingBenchmarkPreset.Get(r.GetValue(preset)!), r.GetValue(steps), communicator: world, profiler: profiler);
            if (world is { Rank: > 0 }) return 0;
            if (r.GetValue(json)) Console.WriteLine(BenchJson.Serialize(result));
            else Print(result);
            ProfileOption.Print(profiler, r.GetValue(steps), "step", toStandardError: r.GetValue(json));
            return 0;
        }));
        return command;
    }

    private static void Print(TrainingBenchmarkResult r)
    {
        var c = CultureInfo.InvariantCulture;
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(c,
            $"Training steps of preset {r.Preset} ({r.Parameters:N0} parameters) on {GemmBenchmark.CpuModel()}: {r.Processes} process(es) x {r.ThreadsPerProcess} thread(s), {r.Steps} steps")));
        var table = new Table().AddColumns("ms/step (mean)", "ms/step (median)", "target tok/s", "peak working set MB", "managed KB/step", "all-reduce ms/step", "all-reduce MB/step");
        foreach (var column in table.Columns) column.RightAligned();
        table.AddRow(r.MeanMilliseconds.ToString("F1", c), r.MedianMilliseconds.ToString("F1", c), r.TargetTokensPerSecond.ToString("F0", c),
            (r.PeakWorkingSetBytes / 1e6).ToString("F0", c), (r.ManagedBytesPerStep / 1e3).ToString("F1", c),
            r.AllReduceMilliseconds.ToString("F1", c), (r.AllReduceBytes / 1e6).ToString("F1", c));
        AnsiConsole.Write(table);
    }
}

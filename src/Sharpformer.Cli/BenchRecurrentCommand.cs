using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sharpformer.Benchmarks;
using Sharpformer.Experiments;
using Sharpformer.Kernels;
using Sharpformer.Tensors;
using Spectre.Console;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer bench recurrent`: forward+backward time of one LSTM and one GRU layer (batch 16, d 256 by default) at
/// sequence lengths 16, 64, 256 and 1024, the median of a few runs after a warm-up.
/// </summary>
internal static class BenchRecurrentCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var batch = ModelOptions.Positive("--batch", "Sequences per batch.", 16);
        var d = ModelOptions.Positive("--d", "Input and hidden size.", 256);
        var lengths = new Option<string>("--lengths") { Description = "Comma-separated sequence lengths.", DefaultValueFactory = _ => "16,64,256,1024" };
        var threads = ModelOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var command = new Command("recurrent", "Measure forward+backward of one LSTM and one GRU layer.") { batch, d, lengths, threads, json };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            if (r.GetValue(threads) is int count) KernelThreads.SetCount(count);
            var ns = ParseLengths(r.GetValue(lengths)!);
            int b = r.GetValue(batch), width = r.GetValue(d);
            var rng = new Rng(1);
            var rows = new List<Row>();
            var layers = new[] { SequenceLayer.Lstm(width, rng), SequenceLayer.Gru(width, rng) };
            foreach (var layer in layers) // JIT tiers and buffer pools settle before anything is timed
                WallClock.MedianMilliseconds(() => layer.ForwardBackward(Tensor.Randn(rng, b, ns[0], width)), warmup: 10, repeats: 1);
            foreach (var layer in layers)
                foreach (int n in ns)
                {
                    var x = Tensor.Randn(rng, b, n, width);
                    double ms = WallClock.MedianMilliseconds(() => layer.ForwardBackward(x), warmup: 1, repeats: n <= 256 ? 5 : 3);
                    rows.Add(new Row(layer.Name, b, width, n, KernelThreads.Count, ms, b * n / (ms / 1000)));
                }
            if (r.GetValue(json))
            {
                Console.WriteLine(BenchJson.Serialize(rows));
                return 0;
            }
            var table = new Table().AddColumns("layer", "batch", "d", "length", "threads", "ms fwd+bwd", "tokens/s");
            var c = CultureInfo.InvariantCulture;
            foreach (var row in rows)
                table.AddRow(row.Arch, row.Batch.ToString(c), row.D.ToString(c), row.Length.ToString(c), row.Threads.ToString(c),
                    row.Ms.ToString("F2", c), row.TokensPerS.ToString("F0", c));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    /// <summary>One measurement: layer, shape, threads, median milliseconds of forward+backward and tokens (batch × length) per second.</summary>
    private sealed record Row(string Arch, int Batch, int D, int Length, int Threads, double Ms, double TokensPerS);

    private static int[] ParseLengths(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var lengths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out lengths[i]) || lengths[i] < 1)
                throw new UserError($"--lengths: '{parts[i]}' is not a positive whole number.");
        if (lengths.Length == 0) throw new UserError("--lengths: give at least one length.");
        return lengths;
    }
}

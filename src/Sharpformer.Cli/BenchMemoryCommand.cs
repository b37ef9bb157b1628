using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sharpformer.Benchmarks;
using Sharpformer.Kernels;
using Spectre.Console;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer bench memory`: the read bandwidth of this machine (a STREAM-like sum) at working sets from the L2
/// cache to main memory, on one thread and on all, the ceiling for batch-1 decoding's weight streaming.
/// </summary>
internal static class BenchMemoryCommand
{
    /// <summary>Builds the command with its --threads, --sizes and --json options.</summary>
    public static Command Create()
    {
        var threads = new Option<int[]>("--threads")
        {
            Description = "Thread counts to time, e.g. --threads 1 2 (default: 1 and every core).",
            AllowMultipleArgumentsPerToken = true,
        };
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int[]>()?.Any(t => t < 1) == true) result.AddError("--threads must be at least 1.");
        });
        var sizes = new Option<double[]>("--sizes")
        {
            Description = "Working sets in MiB, e.g. --sizes 4 24 256 (default: 0.5 4 16 24 64 256).",
            AllowMultipleArgumentsPerToken = true,
        };
        sizes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double[]>()?.Any(s => !(s > 0 && s <= 16384)) == true) result.AddError("--sizes must be between 0 and 16384 MiB.");
        });
        var json = new Option<bool>("--json") { Description = "Print a JSON array of {size_mib,threads,gb_per_s,ms} instead of a table." };
        var command = new Command("memory", "Measure read bandwidth (GB/s) at working sets from cache to memory: the best of several timed repeats.")
        {
            threads, sizes, json,
        };
        command.SetAction(result => Run(
            result.GetValue(threads) is { Length: > 0 } t ? t : [1, Environment.ProcessorCount],
            result.GetValue(sizes) is { Length: > 0 } s ? s : [.. MemoryBandwidthBenchmark.DefaultSizesMiB],
            result.GetValue(json)));
        return command;
    }

    private static int Run(int[] threadCounts, double[] sizes, bool json)
    {
        var results = new List<MemoryBandwidthResult>();
        foreach (int count in threadCounts.Distinct())
        {
            using (KernelThreads.Use(count))
                results.AddRange(sizes.Select(size => MemoryBandwidthBenchmark.Measure(size)));
        }

        string machine = $"{GemmBenchmark.CpuModel()}, {Environment.ProcessorCount} logical cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC";
        if (json)
        {
            Console.Error.WriteLine(machine);
            Console.WriteLine(JsonSerializer.Serialize(results.Select(r => new
            {
                size_mib = Math.Round(r.SizeMiB, 3), threads = r.Threads, gb_per_s = Math.Round(r.GigabytesPerSecond, 2), ms = Math.Round(r.Milliseconds, 6),
            })));
            return 0;
        }

        AnsiConsole.MarkupLine($"[bold]Read bandwidth[/] on {Markup.Escape(machine)}:");
        var table = new Table().AddColumns("MiB", "Threads", "GB/s", "ms per pass");
        foreach (var column in table.Columns) column.RightAligned();
        foreach (var r in results)
            table.AddRow(Number(r.SizeMiB, "0.###"), r.Threads.ToString(CultureInfo.InvariantCulture), Number(r.GigabytesPerSecond, "F1"), Number(r.Milliseconds, "F3"));
        AnsiConsole.Write(table);
        return 0;
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

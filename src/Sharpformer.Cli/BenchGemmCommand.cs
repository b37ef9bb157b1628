using System.CommandLine.Parsing;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sharpformer.Benchmarks;
using Sharpformer.Kernels;
using Spectre.Console;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer bench gemm`: reports SGEMM GFLOP/s for transformer-sized shapes as a table or as JSON, in the format
/// tools/bench/numpy_gemm.py prints so the two can be compared side by side.
/// </summary>
internal static class BenchGemmCommand
{
    /// <summary>Builds the command with its --threads, --json and --shapes options.</summary>
    public static Command Create()
    {
        var threads = new Option<int?>("--threads")
        {
            Description = "Threads to use (default: SHARPFORMER_THREADS or every core).",
        };
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--threads must be at least 1.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print a JSON array of {m,k,n,threads,gflops,ms} instead of a table." };
        var shapes = new Option<IReadOnlyList<(int M, int K, int N)>?>("--shapes")
        {
            Description = "Shapes to time as M,K,N;M,K,N;... for C[MxN] = A[MxK] * B[KxN] (default: eight transformer shapes, 512^3 to 32x512x32000).",
            CustomParser = ParseShapes,
        };
        var command = new Command("gemm", "Measure SGEMM GFLOP/s: the best of several timed repeats after a warm-up.")
        {
            threads, json, shapes,
        };
        command.SetAction(result => Run(result.GetValue(threads), result.GetValue(json), result.GetValue(shapes) ?? GemmBenchmark.DefaultShapes));
        return command;
    }

    private static int Run(int? threads, bool json, IReadOnlyList<(int M, int K, int N)> shapes)
    {
        if (threads is int count)
        {
            KernelThreads.SetCount(count);
        }

        string machine = $"{GemmBenchmark.CpuModel()}, {Environment.ProcessorCount} logical cores, {KernelThreads.Count} threads, "
            + $"{GemmBenchmark.KernelName} kernel, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC";
        if (json)
        {
            // Keep stdout a pure JSON array; the machine line goes to stderr.
            Console.Error.WriteLine(machine);
            var rows = shapes.Select(s => GemmBenchmark.Measure(s.M, s.K, s.N)).Select(r => new
            {
                m = r.M, k = r.K, n = r.N, threads = r.Threads,
                gflops = Math.Round(r.GFlops, 2), ms = Math.Round(r.Milliseconds, 4),
            });
            Console.WriteLine(JsonSerializer.Serialize(rows));
            return 0;
        }

        AnsiConsole.MarkupLine($"[bold]SGEMM[/] on {Markup.Escape(machine)}: timing {shapes.Count} shapes...");
        var table = new Table().AddColumns("M", "K", "N", "Threads", "GFLOP/s", "ms");
        foreach (var column in table.Columns)
        {
            column.RightAligned();
        }

        foreach (var (m, k, n) in shapes)
        {
            var r = GemmBenchmark.Measure(m, k, n);
            table.AddRow(Cell(m), Cell(k), Cell(n), Cell(r.Threads), Number(r.GFlops, "F1"), Number(r.Milliseconds, "F3"));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static string Cell(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static IReadOnlyList<(int M, int K, int N)>? ParseShapes(ArgumentResult result)
    {
        var shapes = new List<(int, int, int)>();
        foreach (string text in result.Tokens.SelectMany(t => t.Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            int[] dims = text.Split(',').Select(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0).ToArray();
            if (dims.Length != 3 || dims.Any(d => d < 1))
            {
                result.AddError($"'{text}' is not a shape: expected three positive integers M,K,N.");
                return shapes;
            }

            shapes.Add((dims[0], dims[1], dims[2]));
        }

        return shapes;
    }
}

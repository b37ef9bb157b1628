using System.CommandLine;
using Sharpformer.Benchmarks;

namespace Sharpformer.Cli;

/// <summary>The benchmarks' <c>--profile</c>: a per-operation time table (<see cref="OpProfiler"/>) after the results.</summary>
internal static class ProfileOption
{
    /// <summary>Creates the option.</summary>
    public static Option<bool> Create() => new("--profile")
    {
        Description = "Also print wall time per operation (forward and backward) of the timed runs, longest first.",
    };

    /// <summary>Prints the table per <paramref name="unit"/> (e.g. "step") when profiling; on standard error when standard output carries JSON.</summary>
    public static void Print(OpProfiler? profiler, int count, string unit, bool toStandardError)
    {
        if (profiler is null) return;
        var output = toStandardError ? Console.Error : Console.Out;
        output.WriteLine();
        output.WriteLine($"Time per operation, per {unit} (mean of {count}):");
        output.Write(profiler.Format(count));
    }
}

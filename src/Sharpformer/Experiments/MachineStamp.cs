using System.Runtime.InteropServices;

namespace Sharpformer.Experiments;

/// <summary>Where and when measurements were taken: CPU model, logical cores, OS, .NET runtime and the UTC date.</summary>
public sealed record MachineStamp(string Cpu, int Cores, string OperatingSystem, string Runtime, DateTime DateUtc)
{
    /// <summary>The machine this process runs on, now (the CPU model from /proc/cpuinfo where there is one).</summary>
    public static MachineStamp Current() => new(CpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription, DateTime.UtcNow);

    /// <summary>One markdown line, e.g. "Measured on 2026-11-22 (UTC) on AMD EPYC … (2 logical cores), Linux …, .NET 10.0.0".</summary>
    public string ToMarkdown() =>
        $"Measured on {DateUtc:yyyy-MM-dd} (UTC) on {Cpu} ({Cores} logical core{(Cores == 1 ? "" : "s")}), {OperatingSystem}, {Runtime}.";

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (File.Exists(cpuinfo))
            foreach (var line in File.ReadLines(cpuinfo))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and > 0)
                    return line[(colon + 1)..].Trim();
        return $"unknown CPU ({RuntimeInformation.ProcessArchitecture})";
    }
}

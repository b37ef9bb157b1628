using System.Diagnostics;

namespace Sharpformer.Tests.Cli;

/// <summary>Runs the real `sharpformer` program (built next to the tests) as a child process.</summary>
internal static class SharpformerProcess
{
    public static (int ExitCode, string Stdout, string Stderr) Run(string? stdin, params string[] args) => RunLaunched([], new Dictionary<string, string>(), stdin, args);

    /// <summary>Runs `launcher... dotnet sharpformer.dll args` (e.g. under mpirun) with extra environment variables.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunLaunched(IReadOnlyList<string> launcher, IReadOnlyDictionary<string, string> environment, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher.Count > 0)
        {
            foreach (var a in launcher.Skip(1)) start.ArgumentList.Add(a);
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sharpformer.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CI"] = "true";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) { process.Kill(true); throw new TimeoutException("sharpformer did not finish"); }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

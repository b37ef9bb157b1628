using System.CommandLine;
using Sharpformer.Experiments;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer experiment parallelism|distance|complexity|rescue|g2p|all [--quick] --out DIR [--seed N] [--torch-csv FILE] [--runs DIR]`:
/// runs the measurements behind the project's claims and writes CSV files, SVG figures and markdown into DIR
/// (<c>NAME.md</c> for one experiment, the whole report <c>README.md</c> for <c>all</c>).
/// </summary>
internal static class ExperimentCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = $"Which experiment: {string.Join(", ", ExperimentSuite.Names)} or all." };
        name.AcceptOnlyFromAmong([.. ExperimentSuite.Names, "all"]);
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the CSV files, figures and markdown.", Required = true };
        var quick = new Option<bool>("--quick") { Description = "Smoke-test sizes (under 2 minutes for all): same files, not the report's numbers." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 1 };
        var torch = new Option<FileInfo?>("--torch-csv") { Description = "CSV of tools/experiments/parallelism_torch.sh to plot beside the parallelism curves." };
        var runs = new Option<DirectoryInfo?>("--runs")
        {
            Description = "Where the g2p experiment keeps its 60-minute training runs (default OUT/runs): a finished run there is reused, an unfinished one resumed.",
        };
        var command = new Command("experiment", "Measure parallelism, interaction distance, complexity, the rescue task and real-data g2p across architectures.")
        {
            name, output, quick, seed, torch, runs,
        };
        command.SetAction(r => CommandErrors.Run(() => Run(r.GetValue(name)!, r.GetValue(output)!, r.GetValue(quick), r.GetValue(seed), r.GetValue(torch), r.GetValue(runs))));
        return command;
    }

    private static int Run(string name, DirectoryInfo output, bool quick, ulong seed, FileInfo? torch, DirectoryInfo? runs)
    {
        if (torch is not null) CommandErrors.RequireFile(torch.FullName);
        var context = new ExperimentContext
        {
            OutDirectory = output.FullName, Quick = quick, Seed = seed, TorchCsv = torch?.FullName, Runs = runs?.FullName,
            Log = line => Console.Error.WriteLine(line),
        };
        string path = name == "all" ? ExperimentSuite.RunAll(context) : ExperimentSuite.RunOne(ExperimentSuite.Get(name), context);
        Console.WriteLine($"Report: {path}");
        return 0;
    }
}

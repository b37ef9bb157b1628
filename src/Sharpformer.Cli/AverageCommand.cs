using System.CommandLine;
using Sharpformer.Training;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer average`: the parameter mean of several checkpoints of one run (fairseq's average_checkpoints.py),
/// either the folders given with <c>--models</c> or the last N that a run kept with <c>train --keep-last</c>.
/// </summary>
internal static class AverageCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var models = new Option<DirectoryInfo[]>("--models")
        {
            Description = "Model folders to average (checkpoints of one architecture).", AllowMultipleArgumentsPerToken = true,
        };
        var run = new Option<DirectoryInfo?>("--run") { Description = "Run folder whose kept checkpoints (train --keep-last) to average, with --last." };
        var last = new Option<int?>("--last") { Description = "Average the newest N kept checkpoints of --run." };
        last.Validators.Add(v => { if (v.GetValueOrDefault<int?>() is < 1) v.AddError("--last must be at least 1."); });
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the averaged model.", Required = true };
        var command = new Command("average", "Average the parameters of several checkpoints of one model.") { models, run, last, output };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var given = r.GetValue(models) ?? [];
            var runFolder = r.GetValue(run);
            var count = r.GetValue(last);
            if (given.Length > 0 == (runFolder is not null || count is not null))
                throw new UserError("give either --models A B ... or --run DIR --last N.");
            if (given.Length == 0 && (runFolder is null || count is null)) throw new UserError("--run and --last go together.");
            var inputs = given.Length > 0 ? given.Select(d => d.FullName).ToList() : CheckpointAveraging.Last(runFolder!.FullName, count!.Value);
            foreach (var input in inputs)
                if (!Directory.Exists(input)) throw new UserError($"model folder not found: {input}");
            CheckpointAveraging.Average(inputs, r.GetValue(output)!.FullName);
            Console.WriteLine($"Averaged {inputs.Count} checkpoints ({string.Join(", ", inputs.Select(Path.GetFileName))}) into {r.GetValue(output)!.FullName}.");
            return 0;
        }));
        return command;
    }
}

using System.CommandLine;
using Sharpformer.IO;
using Sharpformer.Reports;
using Sharpformer.Training;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer plot`: training curves of one or more runs as an SVG line chart — any numeric field of their
/// <c>metrics.jsonl</c> (train_loss, dev_loss, dev_wer, dev_bleu, ...) against the step or the wall-clock minutes.
/// </summary>
internal static class PlotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = "Run folders (or metrics.jsonl files), each optionally NAME=PATH for the legend.", Arity = ArgumentArity.OneOrMore };
        var y = new Option<string>("--y") { Description = "Field to plot, e.g. dev_loss, dev_wer, train_loss.", DefaultValueFactory = _ => "dev_loss" };
        var x = new Option<string>("--x") { Description = "step or minutes.", DefaultValueFactory = _ => "step" };
        x.AcceptOnlyFromAmong("step", "minutes");
        var logY = new Option<bool>("--log-y") { Description = "Logarithmic vertical axis." };
        var title = new Option<string?>("--title") { Description = "Chart title (default: the field)." };
        var yLabel = new Option<string?>("--y-label") { Description = "Vertical axis label with its unit (default: the field)." };
        var output = new Option<FileInfo>("--out") { Description = "SVG file to write.", Required = true };
        var command = new Command("plot", "Draw training curves from metrics.jsonl files as an SVG chart.") { runs, y, x, logY, title, yLabel, output };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            string field = r.GetValue(y)!, axis = r.GetValue(x)!;
            var series = new List<LineSeries>();
            foreach (var run in r.GetValue(runs)!)
            {
                int equals = run.IndexOf('=');
                string path = equals > 0 ? run[(equals + 1)..] : run, name = equals > 0 ? run[..equals] : Path.GetFileName(Path.TrimEndingDirectorySeparator(run));
                if (Directory.Exists(path)) path = Path.Combine(path, "metrics.jsonl");
                CommandErrors.RequireFile(path);
                var points = MetricsLog.Read(path)
                    .Where(m => m.ContainsKey(field) && m.ContainsKey("step"))
                    .Select(m => (axis == "step" ? m["step"] : m.GetValueOrDefault("elapsed_s") / 60, m[field]))
                    .ToList();
                if (points.Count == 0) throw new UserError($"{path}: no record has the field '{field}'.");
                series.Add(new LineSeries(name, points));
            }
            var chart = new LineChart
            {
                Title = r.GetValue(title) ?? field, XLabel = axis == "step" ? "optimiser step" : "wall-clock time (minutes)", YLabel = r.GetValue(yLabel) ?? field,
                Series = series, LogY = r.GetValue(logY),
            };
            AtomicFile.WriteAllText(r.GetValue(output)!.FullName, chart.Render());
            Console.WriteLine($"Wrote {r.GetValue(output)!.FullName} ({series.Sum(s => s.Points.Count)} points, {series.Count} runs).");
            return 0;
        }));
        return command;
    }
}

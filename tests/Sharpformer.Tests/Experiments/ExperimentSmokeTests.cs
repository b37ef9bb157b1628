using System.Xml.Linq;
using Sharpformer.Experiments;
using Sharpformer.Tests.Cli;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Experiments;

/// <summary>`sharpformer experiment all --quick`: every file of the report is written, well formed, and the markdown quotes the CSV.</summary>
public sealed class ExperimentSmokeTests
{
    [Fact]
    public void Quick_run_of_all_writes_csv_figures_and_a_report_quoting_the_csv()
    {
        using var dir = new TemporaryDirectory();
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "experiment", "all", "--quick", "--out", dir.Path, "--seed", "3");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("README.md", stdout);
        string readme = File.ReadAllText(dir.File("README.md"));
        foreach (var experiment in ExperimentSuite.All) Assert.Contains("## " + experiment.Title, readme);
        Assert.Contains("Seed 3", readme);
        Assert.Contains("logical core", readme);

        var parallelism = CsvTable.Read(dir.File("parallelism.csv"));
        Assert.Equal(ParallelismExperiment.Columns, parallelism.Columns);
        Assert.Equal(3 * 2 * new[] { 1, Environment.ProcessorCount }.Distinct().Count(), parallelism.Rows.Count);
        var depth = parallelism.Rows.Where(r => parallelism.Get(r, "arch") == "lstm").Select(r => parallelism.Number(r, "critical_path_depth")).ToList();
        Assert.True(depth.Max() > depth.Min(), "the LSTM's sequential depth must grow with the length");
        Assert.Single(parallelism.Rows.Where(r => parallelism.Get(r, "arch") == "transformer-encoder").Select(r => parallelism.Get(r, "critical_path_depth")).Distinct());

        var distance = CsvTable.Read(dir.File("distance.csv"));
        Assert.Equal(["arch", "k", "test_sentences", "accuracy", "gradient_sentences", "mean_gradient_norm"], distance.Columns);
        Assert.Equal(DistanceExperiment.Architectures.Length * 2, distance.Rows.Count);
        var complexity = CsvTable.Read(dir.File("complexity_fit.csv"));
        Assert.Equal(6, complexity.Rows.Count);
        var rescue = CsvTable.Read(dir.File("rescue.csv"));
        Assert.Equal(RescueExperiment.Architectures, rescue.Rows.Select(r => rescue.Get(r, "arch")));

        var g2p = CsvTable.Read(dir.File("g2p.csv"));
        Assert.Equal(GraphemeToPhonemeExperiment.Architectures, g2p.Rows.Select(r => g2p.Get(r, "arch")));
        Assert.All(g2p.Rows, r => Assert.InRange(g2p.Number(r, "dev_wer"), 0, 100));
        Assert.All(g2p.Rows, r => Assert.True(g2p.Number(r, "dev_words") > 10));
        Assert.All(GraphemeToPhonemeExperiment.Architectures, a => Assert.True(File.Exists(Path.Combine(dir.Path, "runs", a + "-quick", "metrics.jsonl"))));

        foreach (var (table, column) in new[] { (parallelism, "ms_forward_backward"), (distance, "accuracy"), (distance, "mean_gradient_norm"),
                     (complexity, "measured_slope"), (rescue, "exact_match"), (rescue, "bleu"), (g2p, "dev_wer"), (g2p, "dev_per") })
            foreach (var row in table.Rows) Assert.Contains($"| {table.Get(row, column)} |", readme);

        // Regenerating the g2p section from the kept runs reuses them: no further training steps.
        string again = Path.Combine(dir.Path, "again");
        (code, _, stderr) = SharpformerProcess.Run(null, "experiment", "g2p", "--quick", "--out", again, "--seed", "3", "--runs", Path.Combine(dir.Path, "runs"));
        Assert.True(code == 0, $"exit {code}: {stderr}");
        var reused = CsvTable.Read(Path.Combine(again, "g2p.csv"));
        Assert.Equal(g2p.Rows.Select(r => g2p.Get(r, "steps")), reused.Rows.Select(r => reused.Get(r, "steps")));
        Assert.Equal(g2p.Rows.Select(r => g2p.Get(r, "dev_wer")), reused.Rows.Select(r => reused.Get(r, "dev_wer")));

        var svgs = Directory.GetFiles(dir.Path, "*.svg");
        Assert.Contains(dir.File("parallelism_time.svg"), svgs);
        Assert.Contains(dir.File("rescue_attention_transformer.svg"), svgs);
        Assert.Contains(dir.File("g2p_curve.svg"), svgs);
        foreach (var svg in svgs)
        {
            var document = XDocument.Load(svg);
            Assert.Contains(Path.GetFileName(svg), readme);
            if (Path.GetFileName(svg).StartsWith("rescue_attention", StringComparison.Ordinal)) continue;
            var labels = document.Descendants().Where(e => e.Attribute("class")?.Value is "x-label" or "y-label").Select(e => e.Value).ToList();
            Assert.Equal(2, labels.Count);
            Assert.All(labels, l => Assert.Contains("(", l));   // every axis label names its unit
        }
    }
}

namespace Sharpformer.Experiments;

/// <summary>What every experiment is run with: where to write, how big a run, the seed, and where to say what it is doing.</summary>
public sealed record ExperimentContext
{
    /// <summary>Folder for the CSV files, figures and markdown.</summary>
    public required string OutDirectory { get; init; }

    /// <summary>The smoke-test size: seconds instead of minutes, same files and columns.</summary>
    public bool Quick { get; init; }

    /// <summary>Seed of every random draw (weights, inputs, data); stated in the report.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>A CSV of the PyTorch run of the parallelism workload (tools/experiments/parallelism_torch.sh), if any.</summary>
    public string? TorchCsv { get; init; }

    /// <summary>Where experiments that train for long keep their run folders (the g2p experiment); default <c>OUT/runs</c>.</summary>
    public string? Runs { get; init; }

    /// <summary>The run folders' parent: <see cref="Runs"/>, else the <c>runs</c> folder of <see cref="OutDirectory"/>.</summary>
    public string RunsDirectory => Runs ?? Path.Combine(OutDirectory, "runs");

    /// <summary>Progress lines (what is being measured now).</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>The path of <paramref name="file"/> in the output folder.</summary>
    public string PathOf(string file) => Path.Combine(OutDirectory, file);

    /// <summary>Writes a chart as SVG into the output folder and returns the markdown image line for it.</summary>
    public string Figure(string file, Reports.LineChart chart)
    {
        IO.AtomicFile.WriteAllText(PathOf(file), chart.Render());
        return $"![{chart.Title}]({file})\n";
    }
}

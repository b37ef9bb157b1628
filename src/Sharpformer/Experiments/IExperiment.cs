namespace Sharpformer.Experiments;

/// <summary>
/// One experiment of the report: measures something on this machine, writes its CSV of raw measurements and its SVG
/// figures into the output folder, and returns its markdown section (numbers formatted from the CSV cells).
/// </summary>
public interface IExperiment
{
    /// <summary>The command-line name, e.g. "parallelism".</summary>
    string Name { get; }

    /// <summary>The section title in the report.</summary>
    string Title { get; }

    /// <summary>Runs the experiment; returns the markdown section body (without its title).</summary>
    string Run(ExperimentContext context);
}

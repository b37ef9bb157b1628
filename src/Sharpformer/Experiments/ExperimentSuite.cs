using System.Text;

namespace Sharpformer.Experiments;

/// <summary>
/// The five experiments behind the project's claims (four synthetic, one on real data), and the report that puts them together: <see cref="RunOne"/>
/// writes <c>NAME.md</c>, <see cref="RunAll"/> writes <c>README.md</c> with the machine stamp, a table of contents and
/// every section, beside the CSV files and figures the sections cite.
/// </summary>
public static class ExperimentSuite
{
    /// <summary>The experiments in report order.</summary>
    public static IReadOnlyList<IExperiment> All { get; } =
        [new ParallelismExperiment(), new DistanceExperiment(), new ComplexityExperiment(), new RescueExperiment(), new GraphemeToPhonemeExperiment()];

    /// <summary>Valid names for <see cref="Get"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(e => e.Name)];

    /// <summary>The experiment called <paramref name="name"/>; the error for an unknown name lists the valid ones.</summary>
    public static IExperiment Get(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown experiment '{name}'. Valid: {string.Join(", ", Names)}, all.", nameof(name));

    /// <summary>Runs one experiment and writes its section, stamped, to <c>NAME.md</c>; returns that file's path.</summary>
    public static string RunOne(IExperiment experiment, ExperimentContext context)
    {
        Directory.CreateDirectory(context.OutDirectory);
        var stamp = MachineStamp.Current();
        var md = new StringBuilder();
        md.Append($"# {experiment.Title}\n\n").Append(Header(stamp, context)).Append('\n').Append(experiment.Run(context));
        string path = context.PathOf(experiment.Name + ".md");
        IO.AtomicFile.WriteAllText(path, md.ToString());
        return path;
    }

    /// <summary>Runs every experiment and writes <c>README.md</c>; returns its path.</summary>
    public static string RunAll(ExperimentContext context)
    {
        Directory.CreateDirectory(context.OutDirectory);
        var stamp = MachineStamp.Current();
        var sections = new List<(IExperiment Experiment, string Body)>();
        foreach (var experiment in All)
        {
            context.Log($"== {experiment.Name} ==");
            sections.Add((experiment, experiment.Run(context)));
        }
        var md = new StringBuilder();
        md.Append("# Why Transformers replaced RNNs, measured on Sharpformer's own engine\n\n");
        md.Append(Header(stamp, context));
        md.Append($"Regenerate with `sharpformer experiment all{(context.Quick ? " --quick" : "")} --out DIR --seed {context.Seed}`. ");
        md.Append("Every number below is read from the CSV file beside this report.\n\n");
        md.Append("## Contents\n\n");
        foreach (var (experiment, _) in sections)
            md.Append($"- [{experiment.Title}](#{Anchor(experiment.Title)}) (`sharpformer experiment {experiment.Name}`)\n");
        md.Append('\n');
        foreach (var (experiment, body) in sections) md.Append($"## {experiment.Title}\n\n").Append(body).Append('\n');
        string path = context.PathOf("README.md");
        IO.AtomicFile.WriteAllText(path, md.ToString());
        return path;
    }

    private static string Header(MachineStamp stamp, ExperimentContext context) =>
        $"{stamp.ToMarkdown()} Seed {context.Seed}; {(context.Quick ? "**quick (smoke-test) sizes — not the report's numbers**" : "full sizes")}.\n\n";

    /// <summary>GitHub's heading anchor: lower case, spaces to hyphens, punctuation dropped.</summary>
    private static string Anchor(string title) =>
        new(title.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-').Select(c => c == ' ' ? '-' : c).ToArray());
}

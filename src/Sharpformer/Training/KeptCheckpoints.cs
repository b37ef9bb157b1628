using System.Globalization;

namespace Sharpformer.Training;

/// <summary>
/// The models of a run's last N evaluations, kept as <c>checkpoints/step-NNNNNNN/</c> model folders inside the run
/// folder (what fairseq's <c>--keep-last-epochs</c> keeps for <c>average_checkpoints.py</c>): each one loads like the
/// best model, and <c>sharpformer average --last N</c> averages them. Older ones are deleted once a new one is complete.
/// </summary>
public static class KeptCheckpoints
{
    /// <summary>The folder inside a run folder that holds the kept checkpoints.</summary>
    public const string FolderName = "checkpoints";

    private const string Prefix = "step-";

    /// <summary>The folder name of the checkpoint of <paramref name="step"/>: zero-padded, so names sort by step.</summary>
    public static string NameOf(long step) => Prefix + step.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>Writes the model of <paramref name="step"/> through <paramref name="saveModel"/>, then deletes all but the newest <paramref name="keep"/>.</summary>
    public static void Keep(string runDirectory, long step, int keep, Action<string> saveModel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var folder = Path.Combine(runDirectory, FolderName, NameOf(step));
        var partial = folder + ".partial"; // a run killed while saving leaves no half-written checkpoint behind
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        saveModel(partial);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(partial, folder);
        foreach (var old in List(runDirectory).SkipLast(keep)) Directory.Delete(old, recursive: true);
    }

    /// <summary>The kept checkpoint folders of a run, oldest first (none when the run kept none).</summary>
    public static IReadOnlyList<string> List(string runDirectory)
    {
        var root = Path.Combine(runDirectory, FolderName);
        if (!Directory.Exists(root)) return [];
        return Directory.GetDirectories(root, Prefix + "*")
            .Where(d => long.TryParse(Path.GetFileName(d)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
    }
}

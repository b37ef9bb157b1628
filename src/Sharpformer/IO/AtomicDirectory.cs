namespace Sharpformer.IO;

/// <summary>
/// Writes a whole folder so that readers see the old folder, the complete new one, or (for an instant, if the process
/// dies between two renames) none, never a half-written one: the files go to a hidden sibling folder, which then
/// replaces the target by rename. Only a folder this class could have written is replaced: an empty one, or one of
/// plain files holding <c>config.json</c> (a model or export folder); a run folder or any other folder is refused, so
/// no user data is deleted by a wrong <c>--out</c>.
/// </summary>
public static class AtomicDirectory
{
    /// <summary>Fills a staging folder through <paramref name="fill"/>, then swaps it in for <paramref name="directory"/>.</summary>
    public static void Write(string directory, Action<string> fill)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(fill);
        var target = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        if (Directory.Exists(target) && !Replaceable(target))
            throw new IOException($"{target}: the folder exists and is not a model folder (it holds sub-folders or no config.json); choose a new --out or remove it.");
        if (File.Exists(target)) throw new IOException($"{target}: a file of that name exists; the output is a folder.");
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        var previous = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.old");
        Directory.CreateDirectory(staging);
        try
        {
            fill(staging);
            if (Directory.Exists(target)) Directory.Move(target, previous);
            Directory.Move(staging, target);
            if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            if (Directory.Exists(previous) && !Directory.Exists(target)) Directory.Move(previous, target);
            throw;
        }
    }

    private static bool Replaceable(string folder) =>
        !Directory.EnumerateFileSystemEntries(folder).Any()
        || (!Directory.EnumerateDirectories(folder).Any() && File.Exists(Path.Combine(folder, ModelCheckpoint.ConfigFile)));
}

using Sharpformer.IO;

namespace Sharpformer.Tests.IO;

/// <summary><see cref="AtomicDirectory"/>: the folder appears whole or not at all, and only a model folder is ever replaced.</summary>
public sealed class AtomicDirectoryTests
{
    [Fact]
    public void A_failed_fill_leaves_the_previous_folder_and_no_staging_behind()
    {
        using var dir = new TemporaryDirectory();
        var target = dir.File("model");
        AtomicDirectory.Write(target, f => { File.WriteAllText(Path.Combine(f, "config.json"), "{}"); File.WriteAllText(Path.Combine(f, "w"), "old"); });
        Assert.Throws<InvalidOperationException>(() => AtomicDirectory.Write(target, f =>
        {
            File.WriteAllText(Path.Combine(f, "config.json"), "{}");
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "w")));
        Assert.Equal(["model"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));

        AtomicDirectory.Write(target, f => File.WriteAllText(Path.Combine(f, "config.json"), "{\"new\": 1}"));
        Assert.Equal(["config.json"], Directory.GetFiles(target).Select(Path.GetFileName)); // replaced whole, "w" gone
        Assert.Throws<InvalidOperationException>(() => AtomicDirectory.Write(dir.File("fresh"), _ => throw new InvalidOperationException("x")));
        Assert.False(Directory.Exists(dir.File("fresh")));
    }

    [Fact]
    public void A_run_folder_or_a_folder_of_other_files_is_refused_and_kept()
    {
        using var dir = new TemporaryDirectory();
        var run = dir.File("run");
        Directory.CreateDirectory(Path.Combine(run, "last-5"));
        File.WriteAllText(Path.Combine(run, "config.json"), "{}");
        var documents = dir.File("documents");
        Directory.CreateDirectory(documents);
        File.WriteAllText(Path.Combine(documents, "thesis.tex"), "mine");
        foreach (var folder in new[] { run, documents })
        {
            var e = Assert.Throws<IOException>(() => AtomicDirectory.Write(folder, f => File.WriteAllText(Path.Combine(f, "config.json"), "{}")));
            Assert.Contains(folder, e.Message);
        }
        Assert.True(Directory.Exists(Path.Combine(run, "last-5")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(documents, "thesis.tex")));
        var empty = dir.File("empty");
        Directory.CreateDirectory(empty);
        AtomicDirectory.Write(empty, f => File.WriteAllText(Path.Combine(f, "config.json"), "{}"));
        Assert.True(File.Exists(Path.Combine(empty, "config.json")));
    }
}

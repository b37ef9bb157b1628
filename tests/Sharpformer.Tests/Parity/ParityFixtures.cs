using Sharpformer.IO;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Parity;

/// <summary>
/// Finds the PyTorch parity fixtures of given kinds: the committed ones in tests/fixtures/parity (named by file name)
/// and those in $SHARPFORMER_PARITY_DIR (named by full path), so each theory case is named after its file.
/// </summary>
internal static class ParityFixtures
{
    public static string CommittedFolder => Path.Combine(AppContext.BaseDirectory, "fixtures", "parity");

    /// <summary>The fixtures whose metadata kind is one of <paramref name="kinds"/>, committed ones first.</summary>
    public static TheoryData<string> OfKinds(params string[] kinds)
    {
        var data = new TheoryData<string>();
        var names = new List<string>();
        if (Directory.Exists(CommittedFolder))
            names.AddRange(Directory.GetFiles(CommittedFolder, "*.safetensors").Order().Select(f => Path.GetFileName(f)));
        if (Environment.GetEnvironmentVariable("SHARPFORMER_PARITY_DIR") is { Length: > 0 } extra && Directory.Exists(extra))
            names.AddRange(Directory.GetFiles(extra, "*.safetensors").Order().Select(Path.GetFullPath));
        foreach (var name in names)
        {
            using var file = SafetensorsFile.Open(PathOf(name));
            if (file.Metadata.TryGetValue("kind", out var kind) && kinds.Contains(kind)) data.Add(name);
        }
        return data;
    }

    /// <summary>The file of a fixture named by <see cref="OfKinds"/>.</summary>
    public static string PathOf(string fixture) => Path.IsPathRooted(fixture) ? fixture : Path.Combine(CommittedFolder, fixture);

    /// <summary>
    /// Asserts max|ours − ref| ≤ 1e-4·max|ref| + 1e-6 (and equal shapes); returns the largest difference and max|ref|.
    /// </summary>
    public static (string Name, double Diff, double MaxRef) Compare(string name, Tensor ours, Tensor reference)
    {
        Assert.True(Shape.Equal(ours.Shape, reference.Shape), $"{name}: shape {Shape.Format(ours.Shape)} vs reference {Shape.Format(reference.Shape)}");
        double maxRef = 0, maxDiff = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            maxRef = Math.Max(maxRef, Math.Abs(reference.Data[i]));
            maxDiff = Math.Max(maxDiff, Math.Abs(ours.Data[i] - reference.Data[i]));
        }
        double allowed = 1e-4 * maxRef + 1e-6;
        Assert.True(maxDiff <= allowed, $"{name}: max |ours − ref| = {maxDiff:G3} > {allowed:G3} (max |ref| = {maxRef:G3})");
        return (name, maxDiff, maxRef);
    }
}

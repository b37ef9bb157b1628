namespace Sharpformer.Tests.Metrics;

/// <summary>Loads a sentence set from tests/fixtures/bleu: NAME.hyp and NAME.ref0, NAME.ref1, ... (one segment per line).</summary>
internal static class BleuFixtures
{
    public static string[] Hypotheses(string name) => File.ReadAllLines(PathOf($"{name}.hyp"));

    /// <summary>References per segment: element i holds every reference for hypothesis i.</summary>
    public static string[][] References(string name)
    {
        var streams = Enumerable.Range(0, 10)
            .Select(k => PathOf($"{name}.ref{k}"))
            .TakeWhile(File.Exists)
            .Select(File.ReadAllLines)
            .ToList();
        Assert.NotEmpty(streams);
        return Enumerable.Range(0, streams[0].Length).Select(i => streams.Select(s => s[i]).ToArray()).ToArray();
    }

    private static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", "bleu", file);
}

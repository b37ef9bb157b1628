using Sharpformer.Tensors;

namespace Sharpformer.Tasks;

/// <summary>
/// Keeps a task's splits apart: each split draws from its own random stream, and a source's split bucket is a stable
/// hash of its text, so a sentence can only ever be generated for one split.
/// </summary>
internal static class SplitPartition
{
    /// <summary>Number of hash buckets; see <see cref="Bucket"/>.</summary>
    public const int Buckets = 10;

    /// <summary>Attempts allowed per requested pair before concluding the task cannot produce that many.</summary>
    private const int AttemptsPerPair = 1000;

    /// <summary>The random stream for one split of one seed.</summary>
    public static Rng RngFor(ulong seed, TaskSplit split) => new(seed ^ (0x9E3779B97F4A7C15UL * ((ulong)split + 1)));

    /// <summary>A stable bucket in [0, <see cref="Buckets"/>) from the FNV-1a hash of the text's UTF-16 units.</summary>
    public static int Bucket(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text) hash = (hash ^ c) * 1099511628211UL;
        return (int)(hash % Buckets);
    }

    /// <summary>
    /// Calls <paramref name="draw"/> until it has returned <paramref name="count"/> pairs (it returns null to reject a
    /// draw), failing with a clear message if the task's space is too small for the request.
    /// </summary>
    public static IReadOnlyList<(string Source, string Target)> Collect(
        string taskName, TaskSplit split, int count, Func<(string Source, string Target)?> draw)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var pairs = new List<(string Source, string Target)>(count);
        long attempts = (long)AttemptsPerPair * Math.Max(count, 1);
        while (pairs.Count < count)
        {
            if (attempts-- == 0)
                throw new InvalidOperationException(
                    $"Task '{taskName}' produced only {pairs.Count} of {count} {split} pairs; its settings allow too few distinct sources.");
            if (draw() is { } pair) pairs.Add(pair);
        }
        return pairs;
    }
}

using Sharpformer.Data;
using System.IO.Compression;
using Sharpformer.Tensors;

namespace Sharpformer.Tasks;

/// <summary>
/// English grapheme-to-phoneme conversion on CMUdict 0.7b without stress (data/cmudict-g2p, shipped inside the library):
/// the letters of a word in, its ARPAbet phonemes out ("aberration" → "AE B ER EY SH AH N"). Words with several
/// pronunciations keep every variant as its own pair. The data has a train and a dev split (disjoint by word); there is
/// no separate test split, the dev set is the evaluation set.
/// </summary>
public sealed class GraphemeToPhonemeTask : ITask
{
    private static readonly Lazy<IReadOnlyList<(string, string)>> TrainPairs = new(() => Read("train.tsv.gz"));
    private static readonly Lazy<IReadOnlyList<(string, string)>> DevPairs = new(() => Read("dev.tsv.gz"));

    /// <inheritdoc />
    public string Name => "g2p";

    /// <inheritdoc />
    public string Description => "Spell an English word as its ARPAbet pronunciation (CMUdict 0.7b, no stress).";

    /// <inheritdoc />
    public TokenizerKind Tokenizer => TokenizerKind.Char;

    /// <inheritdoc />
    public TokenizerKind TargetTokenizer => TokenizerKind.Word;

    /// <inheritdoc />
    public int DefaultTrainSize => int.MaxValue;

    /// <inheritdoc />
    public int DefaultDevSize => int.MaxValue;

    /// <inheritdoc />
    public bool WordPerLine => true;

    /// <summary>
    /// The whole split in dictionary order when <paramref name="count"/> covers it; otherwise the pronunciations of a
    /// random subset of words (chosen by <paramref name="seed"/>, all variants of a chosen word kept) up to
    /// <paramref name="count"/> pairs.
    /// </summary>
    public IReadOnlyList<(string Source, string Target)> Generate(TaskSplit split, int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var pairs = split switch
        {
            TaskSplit.Train => TrainPairs.Value,
            TaskSplit.Dev => DevPairs.Value,
            _ => throw new ArgumentException("The g2p task has a train and a dev split only; evaluate on the dev split.", nameof(split)),
        };
        if (count >= pairs.Count) return pairs;
        var words = pairs.Select(p => p.Item1).Distinct().ToArray();
        new Rng(seed).Shuffle(words);
        var chosen = new HashSet<string>();
        int total = 0;
        var variants = pairs.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.Count());
        foreach (var word in words)
        {
            if (total + variants[word] > count) break;
            chosen.Add(word);
            total += variants[word];
        }
        return pairs.Where(p => chosen.Contains(p.Item1)).ToList();
    }

    private static IReadOnlyList<(string, string)> Read(string file)
    {
        string resource = $"Sharpformer.Data.cmudict_g2p.{file}";
        using var stream = typeof(GraphemeToPhonemeTask).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The library was built without its embedded resource {resource}.");
        using var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress));
        var pairs = new List<(string, string)>();
        while (reader.ReadLine() is { } line)
        {
            int tab = line.IndexOf('\t');
            pairs.Add((line[..tab], line[(tab + 1)..]));
        }
        return pairs;
    }
}

using System.Collections.Concurrent;

namespace Sharpformer.Data;

/// <summary>
/// Byte-pair encoding in the manner of Sennrich et al.: each <see cref="WordSplitter"/> piece ("▁" marker included)
/// starts as its runes, and the learned merges are applied in rank order. A rune never seen in training becomes
/// <see cref="SpecialTokens.Unk"/>. Word encodings are cached, since corpora repeat words constantly.
/// </summary>
public sealed class BpeTokenizer : VocabularyTokenizer
{
    /// <summary>The <see cref="ITokenizer.Kind"/> of this tokenizer.</summary>
    public const string KindName = "bpe";

    private const int MaxCachedWords = 1 << 20;

    private readonly (string Left, string Right)[] _merges;
    private readonly Dictionary<long, (int Rank, int Merged)> _mergeByPair = [];
    private readonly ConcurrentDictionary<string, int[]> _wordCache = new(StringComparer.Ordinal);

    /// <summary>Checks that every merge and its result are tokens; throws <see cref="ArgumentException"/> otherwise.</summary>
    internal BpeTokenizer(Vocabulary vocabulary, IReadOnlyList<(string Left, string Right)> merges) : base(vocabulary)
    {
        _merges = [.. merges];
        for (int rank = 0; rank < _merges.Length; rank++)
        {
            var (left, right) = _merges[rank];
            int leftId = vocabulary.IdOf(left), rightId = vocabulary.IdOf(right), mergedId = vocabulary.IdOf(left + right);
            if (leftId == SpecialTokens.Unk || rightId == SpecialTokens.Unk || mergedId == SpecialTokens.Unk)
                throw new ArgumentException($"merge {rank} ('{left}' + '{right}') uses a piece that is not in the vocabulary");
            if (!_mergeByPair.TryAdd(PairKey(leftId, rightId), (rank, mergedId)))
                throw new ArgumentException($"merge {rank} ('{left}' + '{right}') repeats an earlier merge");
        }
    }

    /// <summary>
    /// Learns up to <paramref name="merges"/> merges from <paramref name="texts"/>. The vocabulary is the special tokens,
    /// every rune of the corpus (most frequent first) and then the merged pieces in the order they were learned.
    /// </summary>
    public static BpeTokenizer Train(IEnumerable<string> texts, int merges)
    {
        var (alphabet, learned) = BpeTrainer.Learn(texts, merges);
        var tokens = new List<string>(alphabet);
        var known = new HashSet<string>(alphabet, StringComparer.Ordinal);
        foreach (var (left, right) in learned)
            if (known.Add(left + right)) tokens.Add(left + right);
        return new BpeTokenizer(Vocabulary.WithSpecials(tokens), learned);
    }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The merges in rank order (earlier merges apply first).</summary>
    public IReadOnlyList<(string Left, string Right)> Merges => _merges;

    /// <inheritdoc />
    public override int[] Encode(string text) => [.. WordSplitter.Split(text).SelectMany(EncodeWord)];

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids) => WordSplitter.Join(TextOf(ids));

    /// <inheritdoc />
    public override IReadOnlyList<string> Pieces(string text)
    {
        var pieces = new List<string>();
        foreach (var word in WordSplitter.Split(text))
        {
            int start = 0;
            foreach (int id in EncodeWord(word))
            {
                int length = id == SpecialTokens.Unk ? RuneText.LengthAt(word, start) : Vocabulary[id].Length;
                pieces.Add(word.Substring(start, length));
                start += length;
            }
        }
        return pieces;
    }

    /// <summary>
    /// Replaces every non-overlapping occurrence of the pair (<paramref name="left"/>, <paramref name="right"/>), scanning
    /// left to right, with <paramref name="merged"/>; returns <paramref name="symbols"/> itself when the pair is absent.
    /// Training and encoding share it, so both cut words identically.
    /// </summary>
    internal static int[] MergePair(int[] symbols, int left, int right, int merged)
    {
        var result = new List<int>(symbols.Length);
        for (int i = 0; i < symbols.Length; i++)
        {
            bool match = i + 1 < symbols.Length && symbols[i] == left && symbols[i + 1] == right;
            result.Add(match ? merged : symbols[i]);
            if (match) i++;
        }
        return result.Count == symbols.Length ? symbols : [.. result];
    }

    /// <summary>Packs an ordered pair of symbol ids into one dictionary key.</summary>
    internal static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    private protected override string[] SavedMerges() => [.. _merges.Select(merge => $"{merge.Left} {merge.Right}")];

    private int[] EncodeWord(string word)
    {
        if (_wordCache.TryGetValue(word, out var cached)) return cached;
        var symbols = RuneText.Split(word).Select(rune => Vocabulary.IdOf(rune)).ToArray();
        while (symbols.Length > 1)
        {
            (int Rank, int Merged, int Left, int Right) best = (int.MaxValue, 0, 0, 0);
            for (int i = 0; i + 1 < symbols.Length; i++)
                if (_mergeByPair.TryGetValue(PairKey(symbols[i], symbols[i + 1]), out var merge) && merge.Rank < best.Rank)
                    best = (merge.Rank, merge.Merged, symbols[i], symbols[i + 1]);
            if (best.Rank == int.MaxValue) break;
            symbols = MergePair(symbols, best.Left, best.Right, best.Merged);
        }
        if (_wordCache.Count < MaxCachedWords) _wordCache.TryAdd(word, symbols);
        return symbols;
    }
}

namespace Sharpformer.Data;

/// <summary>
/// Learns BPE merges over the distinct words of a corpus, weighted by frequency. Pair counts are kept incrementally:
/// a merge only revisits the words that contain the merged pair (found through a pair → words index), and a
/// lazily-invalidated priority queue yields the most frequent pair, ties broken by the ordinal order of the pieces.
/// </summary>
internal sealed class BpeTrainer
{
    /// <summary>Pairs seen fewer times than this are not worth a vocabulary entry; training stops there.</summary>
    public const long MinPairCount = 2;

    private readonly List<string> _symbols = [];
    private readonly Dictionary<string, int> _symbolIds = new(StringComparer.Ordinal);
    private readonly List<int[]> _words = [];
    private readonly List<long> _wordCounts = [];
    private readonly Dictionary<long, long> _pairCounts = [];
    private readonly Dictionary<long, HashSet<int>> _pairWords = [];
    private readonly PriorityQueue<long, (long Count, long Pair)> _queue;

    private BpeTrainer(IReadOnlyDictionary<string, long> wordCounts)
    {
        _queue = new PriorityQueue<long, (long Count, long Pair)>(Comparer<(long Count, long Pair)>.Create(ComparePriority));
        foreach (var (word, count) in wordCounts)
        {
            int index = _words.Count;
            var symbols = RuneText.Split(word).Select(Intern).ToArray();
            _words.Add(symbols);
            _wordCounts.Add(count);
            for (int i = 0; i + 1 < symbols.Length; i++)
            {
                long pair = BpeTokenizer.PairKey(symbols[i], symbols[i + 1]);
                _pairCounts[pair] = _pairCounts.GetValueOrDefault(pair) + count;
                WordsWith(pair).Add(index);
            }
        }
        foreach (var (pair, count) in _pairCounts) _queue.Enqueue(pair, (count, pair));
    }

    /// <summary>
    /// Returns the runes of the corpus (most frequent first, ties in ordinal order) and up to <paramref name="merges"/>
    /// merges in the order learned; fewer when no pair occurs <see cref="MinPairCount"/> times any more.
    /// </summary>
    public static (List<string> Alphabet, List<(string Left, string Right)> Merges) Learn(IEnumerable<string> texts, int merges)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(merges);
        var words = new PieceCounts();
        foreach (var text in texts)
            foreach (var word in WordSplitter.Split(text))
                words.Add(word);
        var runes = new PieceCounts();
        foreach (var (word, count) in words.Counts)
            for (int i = 0, length; i < word.Length; i += length)
            {
                length = RuneText.LengthAt(word, i);
                runes.Add(word.AsSpan(i, length), count);
            }

        var trainer = new BpeTrainer(words.Counts);
        var learned = new List<(string Left, string Right)>(merges);
        while (learned.Count < merges && trainer.TryTakeBestPair(out long pair))
            learned.Add(trainer.Merge(pair));
        return (runes.InFrequencyOrder(1).ToList(), learned);
    }

    private int Intern(string symbol)
    {
        if (_symbolIds.TryGetValue(symbol, out int id)) return id;
        _symbols.Add(symbol);
        return _symbolIds[symbol] = _symbols.Count - 1;
    }

    private HashSet<int> WordsWith(long pair)
    {
        if (!_pairWords.TryGetValue(pair, out var words)) _pairWords[pair] = words = [];
        return words;
    }

    private bool TryTakeBestPair(out long pair)
    {
        while (_queue.TryDequeue(out pair, out var priority))
            if (_pairCounts.TryGetValue(pair, out long count) && count == priority.Count)
                return count >= MinPairCount;
        return false;
    }

    private (string Left, string Right) Merge(long pair)
    {
        int left = (int)(pair >> 32), right = (int)pair;
        int merged = Intern(_symbols[left] + _symbols[right]);
        var deltas = new Dictionary<long, long>();
        var words = _pairWords[pair];
        _pairWords.Remove(pair);
        foreach (int index in words)
        {
            var before = _words[index];
            var after = BpeTokenizer.MergePair(before, left, right, merged);
            if (ReferenceEquals(after, before)) continue;
            long count = _wordCounts[index];
            for (int i = 0; i + 1 < before.Length; i++) AddDelta(BpeTokenizer.PairKey(before[i], before[i + 1]), -count);
            for (int i = 0; i + 1 < after.Length; i++)
            {
                long key = BpeTokenizer.PairKey(after[i], after[i + 1]);
                AddDelta(key, count);
                WordsWith(key).Add(index);
            }
            _words[index] = after;
        }
        foreach (var (key, delta) in deltas)
        {
            if (delta == 0) continue;
            long count = _pairCounts.GetValueOrDefault(key) + delta;
            if (count > 0)
            {
                _pairCounts[key] = count;
                _queue.Enqueue(key, (count, key));
            }
            else
            {
                _pairCounts.Remove(key);
                _pairWords.Remove(key);
            }
        }
        return (_symbols[left], _symbols[right]);

        void AddDelta(long key, long amount) => deltas[key] = deltas.GetValueOrDefault(key) + amount;
    }

    /// <summary>Higher counts first; equal counts by the ordinal order of the left, then the right piece.</summary>
    private int ComparePriority((long Count, long Pair) x, (long Count, long Pair) y)
    {
        int byCount = y.Count.CompareTo(x.Count);
        if (byCount != 0) return byCount;
        int byLeft = string.CompareOrdinal(_symbols[(int)(x.Pair >> 32)], _symbols[(int)(y.Pair >> 32)]);
        return byLeft != 0 ? byLeft : string.CompareOrdinal(_symbols[(int)x.Pair], _symbols[(int)y.Pair]);
    }
}

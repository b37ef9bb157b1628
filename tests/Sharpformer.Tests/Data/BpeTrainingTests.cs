using Sharpformer.Data;

namespace Sharpformer.Tests.Data;

/// <summary>BPE learns the right merges in the right order, and its incremental bookkeeping matches a plain recount.</summary>
public sealed class BpeTrainingTests
{
    [Fact]
    public void The_most_frequent_pair_is_merged_first_and_ties_go_to_the_ordinal_smaller_pair()
    {
        var corpus = Enumerable.Repeat("xyxyxy", 10).Append("ab");
        var tokenizer = BpeTokenizer.Train(corpus, merges: 100);
        // (x,y) 30 times; then (xy,xy) 20; then (▁,xyxy) and (xyxy,xy) tie at 10 and 'x' < '▁'; pairs seen once are not merged.
        Assert.Equal([("x", "y"), ("xy", "xy"), ("xyxy", "xy"), ("▁", "xyxyxy")], tokenizer.Merges);
        Assert.Equal(["▁xyxyxy"], tokenizer.Encode("xyxyxy").Select(tokenizer.TokenText));
        Assert.Equal(["▁", "a", "b"], tokenizer.Pieces("ab"));
    }

    [Fact]
    public void A_pair_is_merged_at_every_non_overlapping_occurrence_from_the_left()
    {
        Assert.Equal([9, 1], BpeTokenizer.MergePair([1, 1, 1], 1, 1, 9));
        Assert.Equal([9, 9], BpeTokenizer.MergePair([1, 1, 1, 1], 1, 1, 9));
        Assert.Equal([9, 3, 9], BpeTokenizer.MergePair([1, 2, 3, 1, 2], 1, 2, 9));
        int[] absent = [2, 1, 3];
        Assert.Same(absent, BpeTokenizer.MergePair(absent, 1, 2, 9));
    }

    [Fact]
    public void Merges_reduce_the_token_count_of_the_corpus()
    {
        var random = new RandomText(11, ["l", "o", "w", "e", "r", "s", "t", "n", "i", " ", " "]);
        var corpus = Enumerable.Range(0, 500).Select(_ => random.Next(50)).ToList();
        int TokenCount(ITokenizer tokenizer) => corpus.Sum(text => tokenizer.Encode(text).Length);
        int characters = TokenCount(BpeTokenizer.Train(corpus, 0));
        int fewMerges = TokenCount(BpeTokenizer.Train(corpus, 20));
        int manyMerges = TokenCount(BpeTokenizer.Train(corpus, 300));
        Assert.True(fewMerges < characters * 0.9, $"20 merges: {fewMerges} tokens vs {characters} characters");
        Assert.True(manyMerges < fewMerges * 0.8, $"300 merges: {manyMerges} tokens vs {fewMerges} with 20");
    }

    [Fact]
    public void Training_is_deterministic_and_merged_pieces_are_appended_to_the_vocabulary_in_rank_order()
    {
        var random = new RandomText(12, RandomText.MixedAlphabet);
        var corpus = Enumerable.Range(0, 300).Select(_ => random.Next(40)).ToList();
        var first = BpeTokenizer.Train(corpus, 100);
        var second = BpeTokenizer.Train(corpus.AsEnumerable().Reverse(), 100);
        Assert.Equal(first.Merges, second.Merges);
        var mergedPieces = first.Merges.Select(merge => merge.Left + merge.Right).Distinct().ToList();
        Assert.Equal(mergedPieces, Enumerable.Range(first.VocabSize - mergedPieces.Count, mergedPieces.Count).Select(first.TokenText));
    }

    [Theory]
    [InlineData(21UL)]
    [InlineData(22UL)]
    public void Incremental_training_learns_the_same_merges_as_recounting_every_pair_each_step(ulong seed)
    {
        var random = new RandomText(seed, ["a", "b", "c", "d", "a", "b", "ab", ",", " ", " "]);
        var corpus = Enumerable.Range(0, 400).Select(_ => random.Next(30)).ToList();
        Assert.Equal(ReferenceMerges(corpus, 150), BpeTokenizer.Train(corpus, 150).Merges);
    }

    [Fact]
    public void Encoding_applies_merges_by_rank_exactly_as_training_cut_the_training_words()
    {
        var random = new RandomText(23, ["a", "b", "c", "a", " "]);
        var corpus = Enumerable.Range(0, 300).Select(_ => random.Next(30)).ToList();
        var tokenizer = BpeTokenizer.Train(corpus, 40);
        var segmentation = ReferenceSegmentation(corpus, 40);
        foreach (var (word, pieces) in segmentation)
            Assert.Equal(pieces, tokenizer.Encode(word).Select(tokenizer.TokenText));
    }

    /// <summary>Textbook BPE: recount all pairs before each merge; most frequent first, ties by ordinal order.</summary>
    private static List<(string Left, string Right)> ReferenceMerges(IEnumerable<string> corpus, int merges) =>
        RunReference(corpus, merges).Merges;

    private static Dictionary<string, List<string>> ReferenceSegmentation(IEnumerable<string> corpus, int merges) =>
        RunReference(corpus, merges).Words;

    private static (List<(string Left, string Right)> Merges, Dictionary<string, List<string>> Words) RunReference(
        IEnumerable<string> corpus, int merges)
    {
        var counts = corpus.SelectMany(WordSplitter.Split).GroupBy(word => word).ToDictionary(g => g.Key, g => g.Count());
        var words = counts.Keys.ToDictionary(word => word, word => word.EnumerateRunes().Select(rune => rune.ToString()).ToList());
        var learned = new List<(string Left, string Right)>();
        while (learned.Count < merges)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach (var (word, symbols) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + counts[word];
            if (pairs.Count == 0) break;
            var best = pairs.OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal).First();
            if (best.Value < 2) break;
            learned.Add(best.Key);
            foreach (var symbols in words.Values)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == best.Key.Item1 && symbols[i + 1] == best.Key.Item2)
                    {
                        symbols[i] += symbols[i + 1];
                        symbols.RemoveAt(i + 1);
                    }
        }
        return (learned, words);
    }
}

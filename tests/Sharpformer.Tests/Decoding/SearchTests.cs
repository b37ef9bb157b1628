using Sharpformer.Autograd;
using Sharpformer.Decoding;
using Sharpformer.Models;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Decoding;

public sealed class SearchTests
{
    private static Seq2SeqTransformer Model(int seed = 1)
    {
        var model = new Seq2SeqTransformer(new TransformerConfig
        {
            DModel = 16, Heads = 2, EncoderLayers = 2, DecoderLayers = 2, DFf = 32, SourceVocab = 12, TargetVocab = 10,
            Dropout = 0f, MaxLength = 64,
        }, new Rng((ulong)seed));
        model.Eval();
        return model;
    }

    private static readonly IntTensor Source = new([4, 5, 6, 7, 0, 8, 9, 10, 11, 3, 5, 5, 0, 0, 0], 3, 5);

    /// <summary>Decodes by re-running the whole prefix every step: the reference the cache must reproduce.</summary>
    private sealed class Uncached(Seq2SeqTransformer model) : IIncrementalDecoder
    {
        private sealed class State(IntTensor source) : IDecoderState
        {
            public IntTensor Source = source;
            public List<int>[] Prefixes = Enumerable.Range(0, source.Shape[0]).Select(_ => new List<int>()).ToArray();
            public int Rows => Source.Shape[0];

            public void Reorder(IntTensor rows)
            {
                int s = Source.Shape[1];
                Source = new IntTensor(rows.Data.SelectMany(r => Source.Data.Skip(r * s).Take(s)).ToArray(), rows.Length, s);
                Prefixes = rows.Data.Select(r => new List<int>(Prefixes[r])).ToArray();
            }
        }

        public IDecoderState Start(IntTensor source) => new State(source);

        public Tensor Step(IDecoderState state, IntTensor previousTokens)
        {
            var s = (State)state;
            for (int r = 0; r < s.Rows; r++) s.Prefixes[r].Add(previousTokens.Data[r]);
            int t = s.Prefixes[0].Count;
            var target = new IntTensor(s.Prefixes.SelectMany(p => p).ToArray(), s.Rows, t);
            var logits = model.Forward(s.Source, target);
            return logits.Narrow(1, t - 1, 1).Reshape(s.Rows, logits.Size(2));
        }
    }

    [Fact]
    public void Cached_step_logits_equal_full_prefix_decoding()
    {
        var model = Model();
        using var _ = GradMode.NoGrad();
        var state = model.Start(Source);
        var prefix = new List<int> { 1 };
        for (int step = 0; step < 6; step++)
        {
            var cached = model.Step(state, new IntTensor(Enumerable.Repeat(prefix[^1], 3).ToArray())).ToArray();
            var target = new IntTensor(Enumerable.Range(0, 3).SelectMany(_ => prefix).ToArray(), 3, prefix.Count);
            var full = model.Forward(Source, target);
            var last = full.Narrow(1, prefix.Count - 1, 1).ToArray();
            for (int i = 0; i < cached.Length; i++) Assert.Equal(last[i], cached[i], 1e-5);
            prefix.Add(3 + step);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Cached_and_uncached_search_give_the_same_tokens_and_scores(int beam)
    {
        var model = Model(2);
        var options = new SearchOptions { BeamSize = beam, MaxLength = 12 };
        var cached = BeamSearch.Decode(model, Source, options);
        HypothesisAssert.Same(BeamSearch.Decode(new Uncached(model), Source, options), cached);
    }

    [Fact]
    public void Beam_of_one_equals_greedy()
    {
        var model = Model(3);
        var options = new SearchOptions { BeamSize = 1, MaxLength = 15 };
        var greedy = GreedySearch.Decode(model, Source, options);
        var beam = BeamSearch.Decode(model, Source, options);
        for (int s = 0; s < 3; s++)
        {
            Assert.Equal(greedy[s].Tokens, beam[s][0].Tokens);
            Assert.Equal(greedy[s].LogProbability, beam[s][0].LogProbability, 1e-5);
        }
    }

    [Fact]
    public void Beam_returns_up_to_k_distinct_hypotheses_sorted_best_first_and_at_least_as_good_as_greedy()
    {
        var model = Model(4);
        var options = new SearchOptions { BeamSize = 4, MaxLength = 10, LengthPenaltyAlpha = 0f };
        var greedy = GreedySearch.Decode(model, Source, options);
        var beam = BeamSearch.Decode(model, Source, options);
        for (int s = 0; s < 3; s++)
        {
            Assert.InRange(beam[s].Count, 1, 4);
            Assert.True(beam[s].Zip(beam[s].Skip(1)).All(p => p.First.Score >= p.Second.Score));
            if (greedy[s].Finished) Assert.True(beam[s][0].Score >= greedy[s].Score - 1e-5);
            Assert.Equal(beam[s].Count, beam[s].Select(h => string.Join(",", h.Tokens)).Distinct().Count());
        }
    }

    [Fact]
    public void Length_penalty_is_the_gnmt_formula() =>
        Assert.Equal(Math.Pow(11.0 / 6.0, 0.6), LengthPenalty.Of(6, 0.6f), 5);

    /// <summary>A model so sure of one path that every other continuation (and every early &lt;eos&gt;) is far worse.</summary>
    private sealed class ConfidentModel : IIncrementalDecoder
    {
        private sealed class State(int rows) : IDecoderState
        {
            public int Step;
            public int Rows { get; private set; } = rows;
            public void Reorder(IntTensor rows) => Rows = rows.Length;
        }

        public IDecoderState Start(IntTensor source) => new State(source.Shape[0]);

        public Tensor Step(IDecoderState state, IntTensor previousTokens)
        {
            var s = (State)state;
            var logits = Tensor.Full(-10f, s.Rows, 8);
            int best = s.Step < 6 ? 4 + s.Step % 3 : 2; // six content tokens, then <eos>
            for (int r = 0; r < s.Rows; r++)
            {
                logits.Data[r * 8 + best] = 10f;
                logits.Data[r * 8 + 2] = Math.Max(logits.Data[r * 8 + 2], 0f); // early <eos> is merely unlikely
            }
            s.Step++;
            return logits;
        }
    }

    [Fact]
    public void Early_unlikely_endings_never_cut_off_the_best_path()
    {
        var source = new IntTensor([4, 5, 6, 4, 5, 6], 2, 3);
        var options = new SearchOptions { BeamSize = 4, MaxLength = 20 };
        var greedy = GreedySearch.Decode(new ConfidentModel(), source, options);
        var beam = BeamSearch.Decode(new ConfidentModel(), source, options);
        for (int s = 0; s < 2; s++)
        {
            Assert.Equal([4, 5, 6, 4, 5, 6], greedy[s].Tokens);
            Assert.Equal(greedy[s].Tokens, beam[s][0].Tokens);
            Assert.True(beam[s][0].Finished);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_minimum_length_bans_the_end_until_that_many_tokens_exist(int beam)
    {
        var source = new IntTensor([4, 5, 6], 1, 3);
        var options = new SearchOptions { BeamSize = beam, MinLength = 9, MaxLength = 20 };
        var best = beam == 1 ? GreedySearch.Decode(new ConfidentModel(), source, options)[0] : BeamSearch.Decode(new ConfidentModel(), source, options)[0][0];
        Assert.Equal(9, best.Tokens.Length); // the model wants <eos> after 6 tokens
        Assert.Equal([4, 5, 6, 4, 5, 6], best.Tokens[..6]);
        Assert.DoesNotContain(2, best.Tokens);
        Assert.True(best.Finished);
    }

    /// <summary>Random logits over a vocabulary of several vectors and a tail that depend on the previous token.</summary>
    private sealed class RandomModel(int vocab) : IIncrementalDecoder
    {
        private sealed class State(int rows) : IDecoderState
        {
            public int Rows { get; private set; } = rows;
            public void Reorder(IntTensor rows) => Rows = rows.Length;
        }

        public IDecoderState Start(IntTensor source) => new State(source.Shape[0]);

        public Tensor Step(IDecoderState state, IntTensor previousTokens)
        {
            var logits = Tensor.Zeros(previousTokens.Length, vocab);
            for (int r = 0; r < previousTokens.Length; r++) Logits(previousTokens.Data[r]).CopyTo(logits.Data.Slice(r * vocab, vocab));
            return logits;
        }

        public float[] Logits(int previous) => Tensor.Randn(new Rng((ulong)previous + 1), vocab).ToArray();

        public float[] LogProbabilities(int previous, SearchOptions options)
        {
            var row = Ops.LogSoftmax(Tensor.FromArray(Logits(previous), 1, vocab)).ToArray();
            foreach (int banned in new[] { options.PadId, options.BosId, options.EosId }) row[banned] = float.NegativeInfinity;
            return row;
        }
    }

    [Theory]
    [InlineData(3, 37)]    // two vectors of 16 and a tail
    [InlineData(4, 8000)]  // a vocabulary
    public void Two_steps_of_beam_search_keep_the_k_best_continuations_of_the_k_best_first_tokens(int k, int vocab)
    {
        var model = new RandomModel(vocab);
        var options = new SearchOptions { BeamSize = k, MinLength = 2, MaxLength = 2, LengthPenaltyAlpha = 0f };
        var found = BeamSearch.Decode(model, new IntTensor([4, 5], 1, 2), options)[0];

        using var noGrad = GradMode.NoGrad();
        var first = model.LogProbabilities(options.BosId, options);
        var expected = Enumerable.Range(0, vocab).OrderByDescending(a => first[a]).Take(k)
            .SelectMany(a => model.LogProbabilities(a, options).Select((lp, b) => (Tokens: new[] { a, b }, Score: first[a] + lp)))
            .OrderByDescending(c => c.Score).Take(k).ToList();
        Assert.Equal(k, found.Count);
        for (int i = 0; i < k; i++)
        {
            Assert.Equal(expected[i].Tokens, found[i].Tokens);
            Assert.Equal(expected[i].Score, found[i].LogProbability, 1e-5);
        }
    }
}

using Sharpformer.Data;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>
/// One translated line: the best output (text and token ids), all beam candidates with scores, how many input symbols
/// were unknown, and the <see cref="Outcome"/>: a line that could not be translated has an empty text and says why.
/// </summary>
public sealed record Translation(string Source, string Text, int[] Tokens, IReadOnlyList<(string Text, float Score)> Candidates, int UnknownSymbols, bool Truncated)
{
    /// <summary>Translated, or why the line was not.</summary>
    public TranslationOutcome Outcome { get; init; } = TranslationOutcome.Translated;

    /// <summary>The line's length in source tokens (before any truncation).</summary>
    public int SourceTokens { get; init; }
}

/// <summary>
/// Text in, text out: tokenizes lines, decodes them in length-sorted batches with greedy or beam search, and detokenizes,
/// keeping the input order. Every line gets its own <see cref="TranslationOutcome"/>, so one bad line never fails the
/// others: an empty line, one longer than the model's maximum length (unless <see cref="Truncate"/> is set) or, with
/// <see cref="SkipUnknown"/>, one with unknown symbols gets an empty translation that says why.
/// </summary>
public sealed class Translator(TranslationModel model, SearchOptions options, int batchSize = 64)
{
    /// <summary>The most source tokens a line may have (the model's maximum length, less one for &lt;eos&gt;).</summary>
    public int MaxSourceTokens => model.Config.MaxLength - 1;

    /// <summary>Cut over-long inputs to the model's maximum length instead of failing.</summary>
    public bool Truncate { get; init; }

    /// <summary>Give a line with symbols outside the source vocabulary an empty translation instead of reading them as &lt;unk&gt;.</summary>
    public bool SkipUnknown { get; init; }

    /// <summary>Translates <paramref name="lines"/>; results are in the same order.</summary>
    public IReadOnlyList<Translation> Translate(IReadOnlyList<string> lines)
    {
        int maxSource = MaxSourceTokens;
        var encoded = new (int[] Ids, int Unknown, bool Truncated, int Length)[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            var ids = model.SourceTokenizer.Encode(lines[i], out int unknown);
            int length = ids.Length;
            bool cut = Truncate && length > maxSource;
            encoded[i] = (cut ? ids[..maxSource] : ids, unknown, cut, length);
        }
        TranslationOutcome OutcomeOf(int i) => encoded[i] switch
        {
            { Ids.Length: 0 } => TranslationOutcome.Empty,
            { Ids.Length: var n } when n > maxSource => TranslationOutcome.TooLong,
            { Unknown: > 0 } when SkipUnknown => TranslationOutcome.UnknownSymbols,
            _ => TranslationOutcome.Translated,
        };
        var results = new Translation[lines.Count];
        bool Decodable(int i) => OutcomeOf(i) == TranslationOutcome.Translated;
        var order = Enumerable.Range(0, lines.Count).Where(Decodable).OrderBy(i => encoded[i].Ids.Length).ToList();
        foreach (int i in Enumerable.Range(0, lines.Count).Where(i => !Decodable(i)))
            results[i] = new Translation(lines[i], "", [], [], encoded[i].Unknown, encoded[i].Truncated) { Outcome = OutcomeOf(i), SourceTokens = encoded[i].Length };
        var search = options with { MaxLength = Math.Min(options.MaxLength, model.Config.MaxLength) };
        foreach (var chunk in order.Chunk(batchSize))
        {
            var hypotheses = BeamSearch.Decode(model.Network, SourceBatch(chunk.Select(i => encoded[i].Ids).ToList()), search);
            for (int j = 0; j < chunk.Length; j++)
            {
                var candidates = hypotheses[j].Select(h => (model.TargetTokenizer.Decode(h.Tokens), h.Score)).ToList();
                int i = chunk[j];
                var best = hypotheses[j].Count > 0 ? hypotheses[j][0].Tokens : [];
                results[i] = new Translation(lines[i], candidates.Count > 0 ? candidates[0].Item1 : "", best, candidates, encoded[i].Unknown, encoded[i].Truncated)
                {
                    SourceTokens = encoded[i].Length,
                };
            }
        }
        return results;
    }

    /// <summary>Throws <see cref="InputTooLongException"/> for the first line of <paramref name="translations"/> that was too long.</summary>
    public void ThrowIfTooLong(IReadOnlyList<Translation> translations)
    {
        for (int i = 0; i < translations.Count; i++)
            if (translations[i].Outcome == TranslationOutcome.TooLong) throw new InputTooLongException(i + 1, translations[i].SourceTokens, MaxSourceTokens);
    }

    /// <summary>Source rows (ids + &lt;eos&gt;, padded with 0) as a [B, S] batch.</summary>
    public static IntTensor SourceBatch(IReadOnlyList<int[]> sources)
    {
        int width = sources.Max(s => s.Length) + 1;
        var data = new int[sources.Count * width];
        for (int r = 0; r < sources.Count; r++)
        {
            sources[r].CopyTo(data, r * width);
            data[r * width + sources[r].Length] = SpecialTokens.Eos;
        }
        return new IntTensor(data, sources.Count, width);
    }
}

using Sharpformer.Data;
using Sharpformer.IO;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>One translated line: the best output (text and token ids), all beam candidates with scores, and how many input symbols were unknown.</summary>
public sealed record Translation(string Source, string Text, int[] Tokens, IReadOnlyList<(string Text, float Score)> Candidates, int UnknownSymbols, bool Truncated);

/// <summary>
/// Text in, text out: tokenizes lines, decodes them in length-sorted batches with greedy or beam search, and detokenizes,
/// keeping the input order. An empty line (or, with <see cref="SkipUnknown"/>, one with unknown symbols) gives an empty
/// translation; a line longer than the model's maximum length is an
/// error naming the line, unless <see cref="Truncate"/> is set.
/// </summary>
public sealed class Translator(TranslationModel model, SearchOptions options, int batchSize = 64)
{
    /// <summary>Cut over-long inputs to the model's maximum length instead of failing.</summary>
    public bool Truncate { get; init; }

    /// <summary>Give a line with symbols outside the source vocabulary an empty translation instead of reading them as &lt;unk&gt;.</summary>
    public bool SkipUnknown { get; init; }

    /// <summary>Translates <paramref name="lines"/>; results are in the same order.</summary>
    public IReadOnlyList<Translation> Translate(IReadOnlyList<string> lines)
    {
        int maxSource = model.Config.MaxLength - 1; // room for <eos>
        var encoded = new (int[] Ids, int Unknown, bool Truncated)[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            var ids = model.SourceTokenizer.Encode(lines[i], out int unknown);
            bool cut = false;
            if (ids.Length > maxSource)
            {
                if (!Truncate)
                    throw new ArgumentException(
                        $"line {i + 1}: {ids.Length} tokens exceed the model's maximum length of {maxSource}; shorten it or pass --truncate.");
                ids = ids[..maxSource];
                cut = true;
            }
            encoded[i] = (ids, unknown, cut);
        }
        var results = new Translation[lines.Count];
        bool Decodable(int i) => encoded[i].Ids.Length > 0 && !(SkipUnknown && encoded[i].Unknown > 0);
        var order = Enumerable.Range(0, lines.Count).Where(Decodable).OrderBy(i => encoded[i].Ids.Length).ToList();
        foreach (int i in Enumerable.Range(0, lines.Count).Where(i => !Decodable(i)))
            results[i] = new Translation(lines[i], "", [], [], encoded[i].Unknown, encoded[i].Truncated);
        var search = options with { MaxLength = Math.Min(options.MaxLength, model.Config.MaxLength) };
        foreach (var chunk in order.Chunk(batchSize))
        {
            var hypotheses = BeamSearch.Decode(model.Network, SourceBatch(chunk.Select(i => encoded[i].Ids).ToList()), search);
            for (int j = 0; j < chunk.Length; j++)
            {
                var candidates = hypotheses[j].Select(h => (model.TargetTokenizer.Decode(h.Tokens), h.Score)).ToList();
                int i = chunk[j];
                var best = hypotheses[j].Count > 0 ? hypotheses[j][0].Tokens : [];
                results[i] = new Translation(lines[i], candidates.Count > 0 ? candidates[0].Item1 : "", best, candidates, encoded[i].Unknown, encoded[i].Truncated);
            }
        }
        return results;
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

namespace Sharpformer.Reports;

/// <summary>
/// The attention weights of one layer: <c>Heads[h][query, key]</c> is how much query position <c>query</c> attends to key
/// position <c>key</c> in head <c>h</c>; each row normally sums to about 1.
/// </summary>
public sealed record AttentionMap(string Title, IReadOnlyList<string> QueryTokens, IReadOnlyList<string> KeyTokens, float[][,] Heads)
{
    /// <summary>The layer's caption, for example "Layer 1"; panel titles append " · head j".</summary>
    public string Title { get; } = Title ?? throw new ArgumentNullException(nameof(Title));

    /// <summary>The tokens of the attending sequence, one per row.</summary>
    public IReadOnlyList<string> QueryTokens { get; } = CheckTokens(QueryTokens, nameof(QueryTokens));

    /// <summary>The tokens of the attended sequence, one per column.</summary>
    public IReadOnlyList<string> KeyTokens { get; } = CheckTokens(KeyTokens, nameof(KeyTokens));

    /// <summary>One <c>[query, key]</c> matrix per head, each sized to the token lists and holding finite weights.</summary>
    public float[][,] Heads { get; } = CheckHeads(Heads, QueryTokens, KeyTokens);

    /// <summary>The element-wise mean of <see cref="Heads"/>.</summary>
    public float[,] MeanOfHeads()
    {
        var mean = new float[QueryTokens.Count, KeyTokens.Count];
        for (int q = 0; q < QueryTokens.Count; q++)
            for (int k = 0; k < KeyTokens.Count; k++)
            {
                double sum = 0;
                foreach (var head in Heads)
                    sum += head[q, k];
                mean[q, k] = (float)(sum / Heads.Length);
            }
        return mean;
    }

    private static IReadOnlyList<string> CheckTokens(IReadOnlyList<string> tokens, string name)
    {
        ArgumentNullException.ThrowIfNull(tokens, name);
        if (tokens.Count == 0)
            throw new ArgumentException("An attention map needs at least one token on each axis.", name);
        if (tokens.Any(t => t is null))
            throw new ArgumentException("Tokens must not be null.", name);
        return tokens;
    }

    private static float[][,] CheckHeads(float[][,] heads, IReadOnlyList<string> queries, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(heads, nameof(Heads));
        if (heads.Length == 0)
            throw new ArgumentException("An attention map needs at least one head.", nameof(Heads));
        for (int h = 0; h < heads.Length; h++)
        {
            var head = heads[h] ?? throw new ArgumentException($"Head {h} is null.", nameof(Heads));
            if (head.GetLength(0) != queries.Count || head.GetLength(1) != keys.Count)
                throw new ArgumentException(
                    $"Head {h} is {head.GetLength(0)}×{head.GetLength(1)} but there are {queries.Count} query and {keys.Count} key tokens.",
                    nameof(Heads));
            foreach (var weight in head)
                if (!float.IsFinite(weight))
                    throw new ArgumentException($"Head {h} holds a non-finite weight ({weight}).", nameof(Heads));
        }
        return heads;
    }
}

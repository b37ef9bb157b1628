namespace Sharpformer.Reports;

/// <summary>A named family of attention maps with one map per layer, for example "Encoder self-attention".</summary>
public sealed record AttentionGroup(string Name, IReadOnlyList<AttentionMap> Layers)
{
    /// <summary>The group's heading in the figure.</summary>
    public string Name { get; } = Name ?? throw new ArgumentNullException(nameof(Name));

    /// <summary>The layers in order, at least one.</summary>
    public IReadOnlyList<AttentionMap> Layers { get; } = CheckLayers(Layers);

    private static IReadOnlyList<AttentionMap> CheckLayers(IReadOnlyList<AttentionMap> layers)
    {
        ArgumentNullException.ThrowIfNull(layers, nameof(Layers));
        if (layers.Count == 0)
            throw new ArgumentException("An attention group needs at least one layer.", nameof(Layers));
        if (layers.Any(l => l is null))
            throw new ArgumentException("Layers must not be null.", nameof(Layers));
        return layers;
    }
}

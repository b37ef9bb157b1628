using Sharpformer.Models.Recurrent;

namespace Sharpformer.Models;

/// <summary>
/// A translation architecture the toolkit trains: the Transformer, or a recurrent encoder-decoder (cell × attention).
/// Parsed once from its name (<c>transformer</c>, <c>gru</c>, <c>lstm-bahdanau</c>, <c>gru-luong</c>, …); <see cref="All"/> is
/// the one list the command line offers.
/// </summary>
public readonly record struct Architecture
{
    private Architecture(RecurrentCell? cell, RecurrentAttention attention)
    {
        Cell = cell;
        Attention = attention;
    }

    /// <summary>The Transformer of "Attention Is All You Need".</summary>
    public static Architecture Transformer { get; } = new(null, RecurrentAttention.None);

    /// <summary>A recurrent encoder-decoder with <paramref name="cell"/> cells and <paramref name="attention"/>.</summary>
    public static Architecture Recurrent(RecurrentCell cell, RecurrentAttention attention = RecurrentAttention.None) => new(cell, attention);

    /// <summary>The recurrent cell, or null for the Transformer.</summary>
    public RecurrentCell? Cell { get; }

    /// <summary>The recurrent decoder's attention (None for the Transformer and the plain context-vector model).</summary>
    public RecurrentAttention Attention { get; }

    /// <summary>True for the Transformer.</summary>
    public bool IsTransformer => Cell is null;

    /// <summary>Every architecture, the Transformer first, then each cell without and with each attention.</summary>
    public static IReadOnlyList<Architecture> All { get; } =
    [
        Transformer,
        .. Enum.GetValues<RecurrentCell>().SelectMany(cell => Enum.GetValues<RecurrentAttention>().Select(attention => Recurrent(cell, attention))),
    ];

    /// <summary>The name of every architecture, as <see cref="Parse"/> reads it.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(a => a.Name)];

    /// <summary>"transformer", or the cell's name with the attention's suffix: "gru", "lstm-bahdanau", "rnn-luong", "gru-luong-dot".</summary>
    public string Name => Cell switch
    {
        null => "transformer",
        { } cell => cell.ToString().ToLowerInvariant() + Attention switch
        {
            RecurrentAttention.None => "",
            RecurrentAttention.Bahdanau => "-bahdanau",
            RecurrentAttention.LuongGeneral => "-luong",
            RecurrentAttention.LuongDot => "-luong-dot",
            RecurrentAttention.LuongConcat => "-luong-concat",
            _ => throw new ArgumentOutOfRangeException(nameof(Attention), Attention, null),
        },
    };

    /// <summary>Parses a name of <see cref="Names"/> (any case; "-luong-general" is read as "-luong", its score).</summary>
    public static Architecture Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var canonical = name.Trim().ToLowerInvariant().Replace("-luong-general", "-luong", StringComparison.Ordinal);
        foreach (var architecture in All)
            if (architecture.Name == canonical) return architecture;
        throw new ArgumentException($"Unknown architecture '{name}'. Valid: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

namespace Sharpformer.Data;

/// <summary>
/// The id ↔ text table of a tokenizer: the <see cref="SpecialTokens"/> at ids 0..3, then ordinary pieces. Only ordinary
/// pieces are looked up from text, so input that happens to read "&lt;eos&gt;" can never produce a control id.
/// </summary>
internal sealed class Vocabulary
{
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan;

    /// <summary>Wraps the full token list (special tokens first); throws <see cref="ArgumentException"/> on a malformed list.</summary>
    public Vocabulary(IEnumerable<string> tokens)
    {
        _tokens = tokens.ToArray();
        if (_tokens.Length < SpecialTokens.Count || !_tokens.Take(SpecialTokens.Count).SequenceEqual(SpecialTokens.Names))
            throw new ArgumentException($"the vocabulary must start with the special tokens {string.Join(", ", SpecialTokens.Names)}");
        for (int id = SpecialTokens.Count; id < _tokens.Length; id++)
        {
            if (string.IsNullOrEmpty(_tokens[id])) throw new ArgumentException($"token {id} is empty");
            if (!_ids.TryAdd(_tokens[id], id))
                throw new ArgumentException($"token '{_tokens[id]}' appears twice (ids {_ids[_tokens[id]]} and {id})");
        }
        _idsBySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A vocabulary of the special tokens followed by <paramref name="pieces"/>.</summary>
    public static Vocabulary WithSpecials(IEnumerable<string> pieces) => new(SpecialTokens.Names.Concat(pieces));

    /// <summary>Number of ids.</summary>
    public int Count => _tokens.Length;

    /// <summary>All tokens, indexed by id.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The text of <paramref name="id"/>.</summary>
    public string this[int id] =>
        (uint)id < (uint)_tokens.Length
            ? _tokens[id]
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary of {_tokens.Length}");

    /// <summary>The id of an ordinary piece, or <see cref="SpecialTokens.Unk"/> when it is not in the vocabulary.</summary>
    public int IdOf(ReadOnlySpan<char> piece) => _idsBySpan.TryGetValue(piece, out int id) ? id : SpecialTokens.Unk;
}

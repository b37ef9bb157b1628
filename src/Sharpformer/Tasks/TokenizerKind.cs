namespace Sharpformer.Tasks;

/// <summary>The tokenisation a task is meant to be learned with.</summary>
public enum TokenizerKind
{
    /// <summary>One token per character (Unicode code point).</summary>
    Char,

    /// <summary>One token per whitespace-separated word.</summary>
    Word,
}

namespace Sharpformer.Decoding;

/// <summary>An input line with more tokens than the model accepts: says which line, how long it is, and the limit.</summary>
public sealed class InputTooLongException(int line, int tokens, int limit)
    : ArgumentException($"line {line}: {tokens} tokens exceed the model's maximum length of {limit}; shorten it or pass --truncate.")
{
    /// <summary>The line, counted from 1.</summary>
    public int Line { get; } = line;

    /// <summary>Its length in source tokens.</summary>
    public int Tokens { get; } = tokens;

    /// <summary>The most source tokens the model accepts.</summary>
    public int Limit { get; } = limit;
}

namespace Sharpformer.Data;

/// <summary>One line of a parallel corpus: a source sentence and its translation.</summary>
public sealed record SentencePair(string Source, string Target);

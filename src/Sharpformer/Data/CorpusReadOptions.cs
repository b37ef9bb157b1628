namespace Sharpformer.Data;

/// <summary>How <see cref="ParallelCorpus.Read"/> interprets a file and what it does with malformed lines.</summary>
public sealed record CorpusReadOptions
{
    /// <summary>The line layout; <see cref="CorpusFormat.Auto"/> decides from the file extension.</summary>
    public CorpusFormat Format { get; init; } = CorpusFormat.Auto;

    /// <summary>Skip and count malformed lines instead of throwing <see cref="DataFormatException"/> at the first one.</summary>
    public bool SkipBadLines { get; init; }
}

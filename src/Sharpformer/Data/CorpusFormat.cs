namespace Sharpformer.Data;

/// <summary>How the lines of a parallel corpus file are laid out.</summary>
public enum CorpusFormat
{
    /// <summary>Chosen from the extension (after any <c>.gz</c>): <c>.jsonl</c> and <c>.json</c> are JSONL, anything else TSV.</summary>
    Auto,

    /// <summary><c>source&lt;TAB&gt;target</c>, exactly one tab per line.</summary>
    Tsv,

    /// <summary>One JSON object per line with string fields <c>"source"</c> and <c>"target"</c> (others ignored).</summary>
    Jsonl,
}

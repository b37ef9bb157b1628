namespace Sharpformer.Decoding;

/// <summary>What became of one input line: translated, or why not (the line then has an empty translation).</summary>
public enum TranslationOutcome
{
    /// <summary>Decoded; the translation holds the best output and its candidates.</summary>
    Translated,

    /// <summary>The line has no tokens.</summary>
    Empty,

    /// <summary>The line has more tokens than the model accepts (see <see cref="Translation.SourceTokens"/>) and truncation was off.</summary>
    TooLong,

    /// <summary>The line has symbols outside the source vocabulary and <see cref="Translator.SkipUnknown"/> was set.</summary>
    UnknownSymbols,
}

namespace Sharpformer.Data;

/// <summary>
/// A corpus or tokenizer file whose content breaks its format. The message starts with <c>file:line:</c> (or
/// <c>file:</c> when the problem is not tied to one line) so the user can jump straight to the offending spot.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="fileName"/>, with a 1-based line number when one applies.</summary>
    public DataFormatException(string fileName, long? lineNumber, string problem, Exception? innerException = null)
        : base(lineNumber is { } line ? $"{fileName}:{line}: {problem}" : $"{fileName}: {problem}", innerException)
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Problem = problem;
    }

    /// <summary>The path of the offending file.</summary>
    public string FileName { get; }

    /// <summary>The 1-based line of the problem, or null when it concerns the file as a whole.</summary>
    public long? LineNumber { get; }

    /// <summary>What is wrong, without the location prefix.</summary>
    public string Problem { get; }
}

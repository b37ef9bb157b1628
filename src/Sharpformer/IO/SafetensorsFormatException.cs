namespace Sharpformer.IO;

/// <summary>
/// A safetensors file (or stream) that breaks the format: truncated, a bad header, or tensor entries that do not fit
/// the data. The message names the source and the specific problem so a corrupt checkpoint is easy to diagnose.
/// </summary>
public sealed class SafetensorsFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="source"/> (a path, or "&lt;stream&gt;").</summary>
    public SafetensorsFormatException(string source, string problem, Exception? innerException = null)
        : base($"Invalid safetensors file '{source}': {problem}", innerException)
    {
        FileName = source;
    }

    /// <summary>The path of the offending file, or "&lt;stream&gt;" when it was read from a stream.</summary>
    public string FileName { get; }
}

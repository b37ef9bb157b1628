namespace Sharpformer.Reports;

/// <summary>Writes an attention figure to a file, as static SVG or interactive HTML depending on the file's extension.</summary>
public static class AttentionReport
{
    /// <summary>
    /// Writes <paramref name="groups"/> atomically to <paramref name="path"/>: <see cref="AttentionSvg"/> for <c>.svg</c>,
    /// <see cref="AttentionHtml"/> for <c>.html</c> or <c>.htm</c> (any letter case).
    /// </summary>
    /// <exception cref="ArgumentException">The extension is none of those.</exception>
    public static void Write(string path, IReadOnlyList<AttentionGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(path);
        Func<IReadOnlyList<AttentionGroup>, string> render = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".svg" => AttentionSvg.Render,
            ".html" or ".htm" => AttentionHtml.Render,
            _ => throw new ArgumentException(
                $"Cannot tell the attention figure format of '{path}': the extension must be .svg, .html or .htm.", nameof(path)),
        };
        IO.AtomicFile.WriteAllText(path, render(groups));
    }
}

using System.Collections;
using System.IO.Compression;
using System.Text;

namespace Sharpformer.Data;

/// <summary>
/// A parallel corpus file read lazily, one line at a time, so files larger than memory stream through. UTF-8 (a BOM
/// is stripped, invalid bytes become U+FFFD), <c>\n</c> or <c>\r\n</c> line ends, and <c>.gz</c> files are decompressed
/// on the fly. Blank lines (empty or whitespace only) are skipped silently; malformed lines throw
/// <see cref="DataFormatException"/> naming the file and 1-based line, or are skipped and counted with
/// <see cref="CorpusReadOptions.SkipBadLines"/>.
/// </summary>
public sealed class ParallelCorpus : IEnumerable<SentencePair>
{
    /// <summary>How many skipped line numbers are remembered for the report.</summary>
    public const int ReportedSkippedLines = 5;

    private readonly List<long> _skippedLineNumbers = [];

    private ParallelCorpus(string path, CorpusFormat format, bool skipBadLines)
    {
        Path = path;
        Format = format;
        SkipBadLines = skipBadLines;
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>The line layout in use (never <see cref="CorpusFormat.Auto"/>).</summary>
    public CorpusFormat Format { get; }

    /// <summary>Whether malformed lines are skipped rather than thrown.</summary>
    public bool SkipBadLines { get; }

    /// <summary>Malformed lines skipped by the latest enumeration so far.</summary>
    public int SkippedLineCount { get; private set; }

    /// <summary>The first <see cref="ReportedSkippedLines"/> skipped line numbers (1-based) of the latest enumeration.</summary>
    public IReadOnlyList<long> SkippedLineNumbers => _skippedLineNumbers;

    /// <summary>
    /// Opens <paramref name="path"/> for lazy reading; the file must exist now, its lines are read as the result is
    /// enumerated (again from the start on every enumeration).
    /// </summary>
    public static ParallelCorpus Read(string path, CorpusReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CorpusReadOptions();
        if (!File.Exists(path)) throw new FileNotFoundException($"Corpus file '{path}' does not exist.", path);
        return new ParallelCorpus(path, options.Format == CorpusFormat.Auto ? FormatOf(path) : options.Format, options.SkipBadLines);
    }

    /// <summary>The format <see cref="CorpusFormat.Auto"/> picks for <paramref name="path"/>.</summary>
    public static CorpusFormat FormatOf(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        var extension = System.IO.Path.GetExtension(name).ToLowerInvariant();
        return extension is ".jsonl" or ".json" ? CorpusFormat.Jsonl : CorpusFormat.Tsv;
    }

    /// <summary>A one-line report such as "skipped 3 malformed lines (first: 17, 42, 99)", or "" when none were skipped.</summary>
    public string SkippedSummary() => SkippedLineCount == 0
        ? ""
        : $"skipped {SkippedLineCount} malformed line{(SkippedLineCount == 1 ? "" : "s")} (first: {string.Join(", ", _skippedLineNumbers)})";

    /// <inheritdoc />
    public IEnumerator<SentencePair> GetEnumerator()
    {
        SkippedLineCount = 0;
        _skippedLineNumbers.Clear();
        using var reader = OpenText();
        long lineNumber = 0;
        while (NextLine(reader, lineNumber) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            SentencePair pair;
            try
            {
                pair = CorpusLineParser.Parse(line, Format);
            }
            catch (FormatException e)
            {
                if (!SkipBadLines) throw new DataFormatException(Path, lineNumber, e.Message, e);
                SkippedLineCount++;
                if (_skippedLineNumbers.Count < ReportedSkippedLines) _skippedLineNumbers.Add(lineNumber);
                continue;
            }
            yield return pair;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private string? NextLine(StreamReader reader, long linesRead)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(Path, linesRead + 1, $"corrupt gzip data: {e.Message}", e);
        }
    }

    private StreamReader OpenText()
    {
        Stream stream = File.OpenRead(Path);
        if (Path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) stream = new GZipStream(stream, CompressionMode.Decompress);
        return new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true);
    }
}

using System.IO.Compression;
using System.Text;
using Sharpformer.Data;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Data;

/// <summary>Reading TSV and JSONL parallel corpora: valid files, line endings, BOM, gzip, and malformed lines.</summary>
public sealed class ParallelCorpusTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Write(string name, string content, bool bom = false)
    {
        var path = _directory.File(name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom));
        return path;
    }

    private string WriteGzip(string name, string content)
    {
        var path = _directory.File(name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(content));
        return path;
    }

    private static DataFormatException RejectsLine(string path, long line, string problem, CorpusReadOptions? options = null)
    {
        var error = Assert.Throws<DataFormatException>(() => ParallelCorpus.Read(path, options).ToList());
        Assert.Equal(path, error.FileName);
        Assert.Equal(line, error.LineNumber);
        Assert.StartsWith($"{path}:{line}: ", error.Message);
        Assert.Contains(problem, error.Message);
        return error;
    }

    [Fact]
    public void Tsv_lines_split_at_the_tab_and_blank_lines_are_skipped()
    {
        var path = Write("corpus.tsv", "Hallo Welt\tHello world\n\n   \nDanke\tThanks\nleer\t\n");
        Assert.Equal([new("Hallo Welt", "Hello world"), new("Danke", "Thanks"), new("leer", "")], ParallelCorpus.Read(path).ToList());
    }

    [Fact]
    public void A_bom_and_crlf_line_ends_are_invisible()
    {
        var path = Write("windows.tsv", "über\tover\r\nzwei\tzwei 😀\r\n", bom: true);
        Assert.Equal([new("über", "over"), new("zwei", "zwei 😀")], ParallelCorpus.Read(path).ToList());
    }

    [Fact]
    public void Gzipped_files_are_decompressed_and_keep_their_format_from_the_inner_extension()
    {
        Assert.Equal([new("a", "b")], ParallelCorpus.Read(WriteGzip("corpus.tsv.gz", "\uFEFFa\tb\r\n")).ToList());
        var jsonl = ParallelCorpus.Read(WriteGzip("corpus.jsonl.gz", "{\"source\": \"a\", \"target\": \"b\"}\n"));
        Assert.Equal(CorpusFormat.Jsonl, jsonl.Format);
        Assert.Equal([new("a", "b")], jsonl.ToList());
    }

    [Fact]
    public void Corrupt_gzip_data_names_the_file()
    {
        var path = Write("broken.tsv.gz", "this is not gzip");
        var error = Assert.Throws<DataFormatException>(() => ParallelCorpus.Read(path).ToList());
        Assert.Equal(path, error.FileName);
        Assert.Contains("corrupt gzip data", error.Message);
    }

    [Theory]
    [InlineData("no tab here", 0)]
    [InlineData("one\ttwo\tthree", 2)]
    public void A_tsv_line_without_exactly_one_tab_is_malformed_at_its_line(string badLine, int tabs)
    {
        var path = Write("bad.tsv", $"a\tb\n\nc\td\n{badLine}\ne\tf\n");
        RejectsLine(path, 4, $"expected exactly one tab between source and target, found {tabs}");
    }

    [Fact]
    public void Jsonl_lines_give_their_source_and_target_fields()
    {
        var path = Write("corpus.jsonl",
            "{\"source\": \"Grüße\\n\", \"target\": \"Greetings\\t\\\"x\\\"\", \"id\": 7}\r\n\r\n{\"target\": \"中文\", \"source\": \"\\ud83d\\ude00\"}\n");
        Assert.Equal([new("Grüße\n", "Greetings\t\"x\""), new("😀", "中文")], ParallelCorpus.Read(path).ToList());
    }

    [Theory]
    [InlineData("{\"source\": \"a\", \"target\": ", "invalid JSON")]
    [InlineData("{\"source\": \"a\"}", "missing the \"target\" field")]
    [InlineData("{\"source\": 3, \"target\": \"b\"}", "the \"source\" field is Number, not a string")]
    [InlineData("[\"a\", \"b\"]", "expected a JSON object, found Array")]
    [InlineData("a\tb", "invalid JSON")]
    public void A_jsonl_line_that_is_not_an_object_with_string_fields_is_malformed_at_its_line(string badLine, string problem)
    {
        var path = Write("bad.jsonl", "{\"source\": \"a\", \"target\": \"b\"}\n" + badLine + "\n");
        RejectsLine(path, 2, problem);
    }

    [Fact]
    public void The_format_option_overrides_the_extension()
    {
        var path = Write("corpus.txt", "{\"source\": \"a\", \"target\": \"b\"}\n");
        Assert.Equal(CorpusFormat.Tsv, ParallelCorpus.Read(path).Format);
        Assert.Equal([new("a", "b")], ParallelCorpus.Read(path, new CorpusReadOptions { Format = CorpusFormat.Jsonl }).ToList());
        RejectsLine(Write("data.jsonl", "a\tb\n"), 1, "invalid JSON");
        Assert.Equal([new("a", "b")], ParallelCorpus.Read(_directory.File("data.jsonl"), new CorpusReadOptions { Format = CorpusFormat.Tsv }).ToList());
    }

    [Theory]
    [InlineData("train.tsv", CorpusFormat.Tsv)]
    [InlineData("train.TXT", CorpusFormat.Tsv)]
    [InlineData("train.jsonl", CorpusFormat.Jsonl)]
    [InlineData("train.JSON.GZ", CorpusFormat.Jsonl)]
    [InlineData("train.tsv.gz", CorpusFormat.Tsv)]
    public void Auto_format_comes_from_the_extension(string name, CorpusFormat format) =>
        Assert.Equal(format, ParallelCorpus.FormatOf(name));

    [Fact]
    public void Skipping_bad_lines_counts_them_and_remembers_the_first_few_line_numbers()
    {
        var lines = new[] { "ok\t1", "bad", "ok\t2", "", "bad", "bad\t\t", "ok\t3", "x", "y", "z", "w", "ok\t4" };
        var path = Write("noisy.tsv", string.Join("\n", lines));
        var corpus = ParallelCorpus.Read(path, new CorpusReadOptions { SkipBadLines = true });
        Assert.Equal(["1", "2", "3", "4"], corpus.Select(pair => pair.Target));
        Assert.Equal(7, corpus.SkippedLineCount);
        Assert.Equal([2L, 5, 6, 8, 9], corpus.SkippedLineNumbers);
        Assert.Equal("skipped 7 malformed lines (first: 2, 5, 6, 8, 9)", corpus.SkippedSummary());

        corpus.Take(1).ToList();
        Assert.Equal(0, corpus.SkippedLineCount);
        Assert.Equal("", corpus.SkippedSummary());
    }

    [Fact]
    public void Lines_are_read_lazily_so_a_later_malformed_line_does_not_stop_the_first_ones()
    {
        var path = Write("late.tsv", "a\tb\nc\td\nbroken\n");
        Assert.Equal(new SentencePair("a", "b"), ParallelCorpus.Read(path).First());
        RejectsLine(path, 3, "found 0");
    }

    [Fact]
    public void A_missing_corpus_file_is_reported_when_opened()
    {
        var path = _directory.File("absent.tsv");
        var error = Assert.Throws<FileNotFoundException>(() => ParallelCorpus.Read(path));
        Assert.Contains(path, error.Message);
    }
}

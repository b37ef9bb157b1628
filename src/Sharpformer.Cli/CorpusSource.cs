using Sharpformer.Data;
using Sharpformer.Tasks;

namespace Sharpformer.Cli;

/// <summary>Where `train` and `eval` get sentence pairs: a built-in task's generator or TSV/JSONL files.</summary>
internal static class CorpusSource
{
    /// <summary>Generated split of a built-in task (deterministic for the seed).</summary>
    public static List<SentencePair> FromTask(ITask task, TaskSplit split, int count, ulong seed) =>
        task.Generate(split, count, seed).Select(p => new SentencePair(p.Source, p.Target)).ToList();

    /// <summary>A corpus file (streamed); skipped malformed lines are reported on stderr after reading.</summary>
    public static ParallelCorpus FromFile(string path, bool skipBadLines)
    {
        CommandErrors.RequireFile(path);
        return ParallelCorpus.Read(path, new CorpusReadOptions { SkipBadLines = skipBadLines });
    }

    /// <summary>Prints the skipped-line warning of a corpus, if any.</summary>
    public static void ReportSkipped(ParallelCorpus corpus)
    {
        if (corpus.SkippedLineCount > 0) Console.Error.WriteLine($"warning: {corpus.Path}: {corpus.SkippedSummary()}");
    }
}

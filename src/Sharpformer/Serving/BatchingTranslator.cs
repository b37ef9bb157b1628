using System.Diagnostics;
using System.Threading.Channels;
using Sharpformer.Decoding;
using Sharpformer.Reports;

namespace Sharpformer.Serving;

/// <summary>
/// The translations of one request, each with its own <see cref="Translation.Outcome"/> (a line that is too long or
/// empty fails alone), how many sentences were decoded together, and how long the request waited and decoded (ms).
/// </summary>
public sealed record BatchedTranslations(IReadOnlyList<Translation> Translations, int BatchSize, double QueueMs, double DecodeMs);

/// <summary>
/// A batching inference engine: one thread owns the model, any number of callers translate through it. The decoding
/// engine keeps per-call state (KV caches, the tensor scope) and is not thread-safe, so every request is queued here:
/// the worker takes the first waiting request, lets others join for a short window (dynamic batching, as CTranslate2's
/// and Triton's batchers do) up to a batch of <c>maxBatch</c> sentences, drops the requests cancelled meanwhile, and
/// decodes the rest with one <see cref="Translator"/> call per distinct <see cref="SearchOptions"/>. Attention requests
/// go through the same queue, one at a time. Disposing finishes the queued requests and stops the thread.
/// </summary>
public sealed class BatchingTranslator : IDisposable
{
    private readonly TranslationModel _model;
    private readonly int _maxBatch;
    private readonly TimeSpan _window;
    private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>();
    private readonly Thread _thread;
    private long _dropped;
    private int _waiting;

    /// <summary>Starts the worker thread for <paramref name="model"/>, batching up to <paramref name="maxBatch"/> sentences that arrive within <paramref name="window"/>.</summary>
    public BatchingTranslator(TranslationModel model, int maxBatch = 32, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _model = model;
        _maxBatch = maxBatch;
        _window = window ?? TimeSpan.FromMilliseconds(3);
        _thread = new Thread(Loop) { IsBackground = true, Name = "sharpformer-decoder" };
        _thread.Start();
    }

    /// <summary>Requests waiting for the worker, not counting those cancelled meanwhile.</summary>
    public int Queued => Volatile.Read(ref _waiting);

    /// <summary>Requests cancelled while they waited, never decoded.</summary>
    public long DroppedRequests => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Translates <paramref name="texts"/> with <paramref name="options"/>, batched with other waiting requests that
    /// use the same options; a cancelled request still waiting is dropped (its task is cancelled).
    /// </summary>
    public Task<BatchedTranslations> TranslateAsync(IReadOnlyList<string> texts, SearchOptions options, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(options);
        return Enqueue(new TranslateJob(texts, options, cancel, Cancelled));
    }

    /// <summary>
    /// Translates <paramref name="text"/> and records every attention distribution (see <see cref="AttentionExtraction"/>);
    /// a text longer than the model accepts fails with <see cref="InputTooLongException"/>.
    /// </summary>
    public Task<(string Translation, IReadOnlyList<AttentionGroup> Groups)> AttentionAsync(string text, SearchOptions options, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        return Enqueue(new AttentionJob(text, options, cancel, Cancelled));
    }

    /// <summary>Stops taking requests; the worker finishes those already queued and exits.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
    }

    private Task<T> Enqueue<T>(Job<T> job)
    {
        Interlocked.Increment(ref _waiting);
        if (!_queue.Writer.TryWrite(job) && job.TryClaim())
        {
            Interlocked.Decrement(ref _waiting);
            job.Fail(new ObjectDisposedException(nameof(BatchingTranslator), "The translator is shutting down."));
        }
        return job.Result;
    }

    private void Cancelled() => Interlocked.Decrement(ref _waiting);

    private void Loop()
    {
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var batch = Collect();
            var live = batch.Where(j => j.TryClaim()).ToList();
            Interlocked.Add(ref _waiting, -live.Count);
            Interlocked.Add(ref _dropped, batch.Count - live.Count);
            foreach (var group in live.OfType<TranslateJob>().GroupBy(j => j.Options))
                Decode(group.ToList());
            foreach (var job in live.OfType<AttentionJob>())
                Extract(job);
        }
    }

    // The first waiting job and those that arrive within the window, up to the batch size in sentences.
    private List<Job> Collect()
    {
        var batch = new List<Job>();
        int sentences = 0;
        long deadline = Stopwatch.GetTimestamp() + (long)(_window.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            while (sentences < _maxBatch && _queue.Reader.TryRead(out var job))
            {
                batch.Add(job);
                sentences += job.Sentences;
            }
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (sentences >= _maxBatch || remaining <= TimeSpan.Zero) return batch;
            using var timeout = new CancellationTokenSource(remaining);
            try
            {
                if (!_queue.Reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult()) return batch;
            }
            catch (OperationCanceledException)
            {
                return batch;
            }
        }
    }

    private void Decode(List<TranslateJob> accepted)
    {
        long start = Stopwatch.GetTimestamp();
        var texts = accepted.SelectMany(j => j.Texts).ToList();
        try
        {
            var translations = new Translator(_model, accepted[0].Options, _maxBatch).Translate(texts);
            double decodeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            int offset = 0;
            foreach (var job in accepted)
            {
                var mine = translations.Skip(offset).Take(job.Texts.Count).ToList();
                offset += job.Texts.Count;
                job.Complete(new BatchedTranslations(mine, texts.Count, Stopwatch.GetElapsedTime(job.Enqueued, start).TotalMilliseconds, decodeMs));
            }
        }
        catch (Exception e)
        {
            foreach (var job in accepted) job.Fail(e);
        }
    }

    private void Extract(AttentionJob job)
    {
        try
        {
            job.Complete(AttentionExtraction.Extract(_model, job.Text, job.Options));
        }
        catch (Exception e)
        {
            job.Fail(e);
        }
    }

    private abstract class Job
    {
        private int _claimed;

        public abstract int Sentences { get; }

        // True for whichever claims the job first: the worker about to decode it, or its cancellation.
        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
    }

    // A queued request: its answer, completed by the worker, or cancelled by the caller's token while it still waits.
    private abstract class Job<T> : Job
    {
        private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration _registration;

        protected Job(CancellationToken cancel, Action cancelled) =>
            _registration = cancel.Register(() =>
            {
                if (!TryClaim()) return;
                _answer.TrySetCanceled(cancel);
                cancelled();
            });

        public long Enqueued { get; } = Stopwatch.GetTimestamp();

        public Task<T> Result => _answer.Task;

        public void Complete(T value)
        {
            _answer.TrySetResult(value);
            _registration.Dispose();
        }

        public void Fail(Exception error)
        {
            _answer.TrySetException(error);
            _registration.Dispose();
        }
    }

    private sealed class TranslateJob(IReadOnlyList<string> texts, SearchOptions options, CancellationToken cancel, Action cancelled)
        : Job<BatchedTranslations>(cancel, cancelled)
    {
        public IReadOnlyList<string> Texts { get; } = texts;

        public SearchOptions Options { get; } = options;

        public override int Sentences => Texts.Count;
    }

    private sealed class AttentionJob(string text, SearchOptions options, CancellationToken cancel, Action cancelled)
        : Job<(string Translation, IReadOnlyList<AttentionGroup> Groups)>(cancel, cancelled)
    {
        public string Text { get; } = text;

        public SearchOptions Options { get; } = options;

        public override int Sentences => 1;
    }
}

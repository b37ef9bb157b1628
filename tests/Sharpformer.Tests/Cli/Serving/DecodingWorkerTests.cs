using Sharpformer.Cli.Serving;
using Sharpformer.Decoding;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>The one thread that owns the model: batching, cancellation, and per-request failures.</summary>
public sealed class DecodingWorkerTests
{
    [Fact]
    public async Task A_request_cancelled_while_queued_is_dropped_and_never_decoded()
    {
        var model = ServedModel.CreateModel();
        using var worker = new DecodingWorker(model, maxBatch: 8, TimeSpan.FromMilliseconds(1));
        var cancelled = worker.TranslateAsync([ServedModel.Texts[0]], 2, new CancellationToken(canceled: true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await worker.TranslateAsync([ServedModel.Texts[1]], 2, CancellationToken.None); // queued after it, so it has been taken
        Assert.Equal(1, worker.DroppedRequests);
    }

    [Fact]
    public async Task Requests_arriving_together_are_decoded_in_one_batch_with_unchanged_results()
    {
        var model = ServedModel.CreateModel();
        using var worker = new DecodingWorker(model, maxBatch: 32, TimeSpan.FromMilliseconds(200));
        var answers = await Task.WhenAll(ServedModel.Texts.Select(t => worker.TranslateAsync([t], 2, CancellationToken.None)));
        var expected = new Translator(model, new SearchOptions { BeamSize = 2 }).Translate(ServedModel.Texts);
        Assert.All(answers, a => Assert.Equal(ServedModel.Texts.Count, a.BatchSize));
        Assert.Equal(expected.Select(t => t.Text), answers.Select(a => a.Translations[0].Text));
    }

    [Fact]
    public async Task Different_beam_sizes_in_one_window_are_decoded_separately()
    {
        var model = ServedModel.CreateModel();
        using var worker = new DecodingWorker(model, maxBatch: 32, TimeSpan.FromMilliseconds(200));
        var greedy = worker.TranslateAsync([ServedModel.Texts[0]], 1, CancellationToken.None);
        var beam = worker.TranslateAsync([ServedModel.Texts[0]], 3, CancellationToken.None);
        Assert.Single((await greedy).Translations[0].Candidates);
        Assert.Equal(1, (await beam).BatchSize);
        Assert.Equal(new Translator(model, new SearchOptions { BeamSize = 3 }).Translate([ServedModel.Texts[0]])[0].Candidates.Count,
            (await beam).Translations[0].Candidates.Count);
    }
}

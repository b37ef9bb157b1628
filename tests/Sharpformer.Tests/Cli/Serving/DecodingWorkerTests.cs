using Sharpformer.Cli.Serving;
using Sharpformer.Decoding;
using Sharpformer.IO;
using Sharpformer.Models.Recurrent;
using Sharpformer.Tensors;

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

    [Fact]
    public async Task A_recurrent_model_has_only_encoder_decoder_attention()
    {
        var tokenizer = ServedModel.CreateModel().SourceTokenizer;
        var config = new RecurrentSeq2SeqConfig
        {
            Cell = RecurrentCell.Gru, Attention = RecurrentAttention.Bahdanau, EmbeddingDim = 8, HiddenSize = 8, Layers = 1, Dropout = 0f,
            SourceVocab = tokenizer.VocabSize, TargetVocab = tokenizer.VocabSize, MaxLength = 12,
        };
        var network = new RecurrentSeq2Seq(config, new Rng(2));
        network.Eval();
        using var worker = new DecodingWorker(new TranslationModel(config, network, tokenizer, tokenizer), 4, TimeSpan.Zero);

        var (translation, groups) = await worker.AttentionAsync(ServedModel.Texts[1], 2, CancellationToken.None);
        var payload = AttentionPayload.Create(translation, groups, 0);

        Assert.Null(payload.Encoder);
        Assert.Null(payload.Decoder);
        var head = Assert.Single(Assert.Single(payload.Cross));
        Assert.Equal(payload.Tokens.Target.Count, head.Length);
        Assert.All(head, row => Assert.Equal(ServedModel.Texts[1].Length + 1, row.Length));
    }
}

using Sharpformer.Cli.Serving;
using Sharpformer.Serving;
using Sharpformer.Tests.Cli.Serving;
using Sharpformer.Decoding;
using Sharpformer.Models.Recurrent;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Serving;

/// <summary>The one thread that owns the model: batching, cancellation, and per-request failures.</summary>
public sealed class BatchingTranslatorTests
{
    private static SearchOptions Beam(int size) => new() { BeamSize = size };

    [Fact]
    public async Task A_request_cancelled_while_queued_is_dropped_and_never_decoded()
    {
        var model = ServedModel.CreateModel();
        using var worker = new BatchingTranslator(model, maxBatch: 8, TimeSpan.FromMilliseconds(1));
        var cancelled = worker.TranslateAsync([ServedModel.Texts[0]], Beam(2), new CancellationToken(canceled: true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await worker.TranslateAsync([ServedModel.Texts[1]], Beam(2), CancellationToken.None); // queued after it, so it has been taken
        Assert.Equal(1, worker.DroppedRequests);
    }

    [Fact]
    public async Task Requests_arriving_together_are_decoded_in_one_batch_with_unchanged_results()
    {
        var model = ServedModel.CreateModel();
        using var worker = new BatchingTranslator(model, maxBatch: 32, TimeSpan.FromMilliseconds(200));
        var answers = await Task.WhenAll(ServedModel.Texts.Select(t => worker.TranslateAsync([t], Beam(2), CancellationToken.None)));
        var expected = new Translator(model, new SearchOptions { BeamSize = 2 }).Translate(ServedModel.Texts);
        Assert.All(answers, a => Assert.Equal(ServedModel.Texts.Count, a.BatchSize));
        Assert.Equal(expected.Select(t => t.Text), answers.Select(a => a.Translations[0].Text));
    }

    [Fact]
    public async Task Different_beam_sizes_in_one_window_are_decoded_separately()
    {
        var model = ServedModel.CreateModel();
        using var worker = new BatchingTranslator(model, maxBatch: 32, TimeSpan.FromMilliseconds(200));
        var greedy = worker.TranslateAsync([ServedModel.Texts[0]], Beam(1), CancellationToken.None);
        var beam = worker.TranslateAsync([ServedModel.Texts[0]], Beam(3), CancellationToken.None);
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
        using var worker = new BatchingTranslator(new TranslationModel(config, network, tokenizer, tokenizer), 4, TimeSpan.Zero);

        var (translation, groups) = await worker.AttentionAsync(ServedModel.Texts[1], Beam(2), CancellationToken.None);
        var payload = AttentionPayload.Create(translation, groups, 0);

        Assert.Null(payload.Encoder);
        Assert.Null(payload.Decoder);
        var head = Assert.Single(Assert.Single(payload.Cross));
        Assert.Equal(payload.Tokens.Target.Count, head.Length);
        Assert.All(head, row => Assert.Equal(ServedModel.Texts[1].Length + 1, row.Length));
    }

    [Fact]
    public async Task A_line_too_long_for_the_model_fails_alone_with_its_length_while_the_others_translate()
    {
        var model = ServedModel.CreateModel();
        using var worker = new BatchingTranslator(model, maxBatch: 32, TimeSpan.FromMilliseconds(100));
        string tooLong = string.Concat(Enumerable.Repeat("山区公路积雪", 10));
        var mixed = worker.TranslateAsync([ServedModel.Texts[0], tooLong, ""], Beam(2), CancellationToken.None);
        var other = worker.TranslateAsync([ServedModel.Texts[1]], Beam(2), CancellationToken.None);
        var result = await mixed;
        Assert.Equal([TranslationOutcome.Translated, TranslationOutcome.TooLong, TranslationOutcome.Empty], result.Translations.Select(t => t.Outcome));
        Assert.Equal(tooLong.Length, result.Translations[1].SourceTokens);
        Assert.Equal("", result.Translations[1].Text);
        var expected = new Translator(model, Beam(2)).Translate([ServedModel.Texts[0], ServedModel.Texts[1]]);
        Assert.Equal(expected[0].Text, result.Translations[0].Text);
        Assert.Equal(expected[1].Text, (await other).Translations[0].Text);
    }

    [Fact]
    public async Task The_length_penalty_of_a_request_reaches_the_search()
    {
        var model = ServedModel.CreateModel();
        using var worker = new BatchingTranslator(model, maxBatch: 8, TimeSpan.Zero);
        var plain = await worker.TranslateAsync([ServedModel.Texts[2]], new SearchOptions { BeamSize = 3, LengthPenaltyAlpha = 0f });
        var penalised = await worker.TranslateAsync([ServedModel.Texts[2]], new SearchOptions { BeamSize = 3, LengthPenaltyAlpha = 2f });
        var expected = new Translator(model, new SearchOptions { BeamSize = 3, LengthPenaltyAlpha = 2f }).Translate([ServedModel.Texts[2]])[0];
        Assert.Equal(expected.Candidates, penalised.Translations[0].Candidates);
        Assert.NotEqual(plain.Translations[0].Candidates.Select(c => c.Score), penalised.Translations[0].Candidates.Select(c => c.Score));
    }
}

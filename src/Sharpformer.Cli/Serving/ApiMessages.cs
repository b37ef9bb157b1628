using System.Text.Json;

namespace Sharpformer.Cli.Serving;

// The JSON bodies of the HTTP API; property names go over the wire in snake_case (see ServerJson).

/// <summary>Body of <c>POST /api/translate</c>: one <c>text</c> or a list of <c>texts</c>, an optional beam size and length penalty.</summary>
internal sealed record TranslateRequest(string? Text, IReadOnlyList<string>? Texts, int? Beam, float? LengthPenalty);

/// <summary>Body of <c>POST /api/attention</c>: the sentence, an optional beam size and length penalty.</summary>
internal sealed record AttentionRequest(string? Text, int? Beam, float? LengthPenalty);

/// <summary>One beam candidate: its text and its search score (log-probability over the length penalty).</summary>
internal sealed record CandidateJson(string Text, float Score);

/// <summary>One translated input: the best text, every beam candidate, and how many input symbols were unknown.</summary>
internal sealed record TranslationJson(string Source, string Text, IReadOnlyList<CandidateJson> Candidates, int UnknownSymbols);

/// <summary>
/// Answer of <c>POST /api/translate</c>: the translations in input order, the beam, how many sentences were decoded
/// together, and the milliseconds spent waiting in the queue, decoding, and in total.
/// </summary>
internal sealed record TranslateResponse(IReadOnlyList<TranslationJson> Translations, int Beam, int BatchSize, double QueueMs, double DecodeMs, double TotalMs);

/// <summary>The tokens on the axes of the attention tensors: the source (ending in &lt;/s&gt;) and the decoder input (starting with &lt;s&gt;).</summary>
internal sealed record AttentionTokens(IReadOnlyList<string> Source, IReadOnlyList<string> Target);

/// <summary>
/// Answer of <c>POST /api/attention</c>: the translation, the tokens, and the weights as <c>[layer][head][query][key]</c>
/// arrays — encoder self-attention (source × source), masked decoder self-attention (target × target), and
/// encoder-decoder attention (target × source). A recurrent model has only <c>cross</c>; the others are null.
/// </summary>
internal sealed record AttentionResponse(string Translation, AttentionTokens Tokens, float[][][][]? Encoder, float[][][][]? Decoder, float[][][][] Cross, double TotalMs);

/// <summary>Answer of <c>GET /api/model</c>: the model's config.json, parameter count, vocabulary sizes and the server's limits.</summary>
internal sealed record ModelResponse(string Kind, JsonElement Config, long Parameters, int SourceVocab, int TargetVocab, int MaxLength,
    int MaxBatch, int MaxInputChars, int MaxBeam);

/// <summary>Answer of <c>GET /healthz</c>: "ok", the requests waiting, and those dropped because their client went away.</summary>
internal sealed record HealthResponse(string Status, int Queued, long DroppedRequests);

/// <summary>Body of every error answer.</summary>
internal sealed record ErrorResponse(string Error);

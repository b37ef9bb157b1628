using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sharpformer.Decoding;

namespace Sharpformer.Cli.Serving;

/// <summary>
/// Reads and checks request bodies, turning every client mistake into an <see cref="ApiException"/>: a body over the
/// size limit (413), malformed JSON or a field of the wrong type (400 naming the field), a missing or empty text (400
/// naming the field), a text over the character limit (413) and a beam out of range (400).
/// </summary>
internal sealed class RequestReader(ServeOptions options)
{
    /// <summary>The texts of a translate request (one or many) and its search options.</summary>
    public async Task<(IReadOnlyList<string> Texts, SearchOptions Options)> TranslateAsync(HttpRequest request)
    {
        var body = await ReadAsync<TranslateRequest>(request);
        if (body is { Text: not null, Texts: not null }) throw new ApiException(400, "Give \"text\" or \"texts\", not both.");
        IReadOnlyList<string> texts = body.Text is not null ? [body.Text]
            : body.Texts ?? throw new ApiException(400, "\"text\" or \"texts\" is required.");
        if (texts.Count == 0) throw new ApiException(400, "\"texts\" must not be empty.");
        if (texts.Count > options.MaxBatchTexts)
            throw new ApiException(413, $"\"texts\" holds {texts.Count} texts; the limit is {options.MaxBatchTexts} (--max-batch-texts).");
        for (int i = 0; i < texts.Count; i++)
            CheckText(texts[i], body.Text is not null ? "\"text\"" : $"\"texts\"[{i}]");
        return (texts, Search(body.Beam, body.LengthPenalty));
    }

    /// <summary>The text of an attention request and its search options.</summary>
    public async Task<(string Text, SearchOptions Options)> AttentionAsync(HttpRequest request)
    {
        var body = await ReadAsync<AttentionRequest>(request);
        if (body.Text is null) throw new ApiException(400, "\"text\" is required.");
        CheckText(body.Text, "\"text\"");
        if (body.Text.Trim().Length == 0) throw new ApiException(400, "\"text\" must not be empty.");
        return (body.Text, Search(body.Beam, body.LengthPenalty));
    }

    private async Task<T> ReadAsync<T>(HttpRequest request) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, ServerJson.Options, request.HttpContext.RequestAborted)
                ?? throw new ApiException(400, "The body must be a JSON object, not null.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(413, $"The request body is larger than the limit of {options.MaxBodyBytes} bytes.");
        }
        catch (JsonException e)
        {
            throw new ApiException(400, Describe(e));
        }
    }

    private void CheckText(string? text, string field)
    {
        if (text is null) throw new ApiException(400, $"{field} must be a string, not null.");
        if (text.Length > options.MaxInputChars)
            throw new ApiException(413, $"{field} is {text.Length} characters long; the limit is {options.MaxInputChars}.");
    }

    private SearchOptions Search(int? beam, float? lengthPenalty)
    {
        if (lengthPenalty is { } alpha && !(alpha >= 0f && alpha <= 10f))
            throw new ApiException(400, $"\"length_penalty\" must be between 0 and 10 (got {alpha}).");
        return new SearchOptions { BeamSize = Beam(beam), LengthPenaltyAlpha = lengthPenalty ?? SearchOptions.DefaultLengthPenalty };
    }

    private int Beam(int? beam) => beam switch
    {
        null => SearchOptions.DefaultBeamSize,
        < 1 => throw new ApiException(400, $"\"beam\" must be at least 1 (got {beam})."),
        _ when beam > options.MaxBeam => throw new ApiException(400, $"\"beam\" must be at most {options.MaxBeam} (got {beam})."),
        _ => beam.Value,
    };

    // A syntax error carries the reader's exception inside; a value of the wrong type only its JSON path ($.text, $.texts[1]).
    private static string Describe(JsonException e) => e switch
    {
        { InnerException: JsonException syntax } => $"Malformed JSON: {syntax.Message}",
        { Path: null or "$" } => "The body must be a JSON object.",
        _ => $"\"{e.Path[2..]}\" has the wrong type.",
    };
}

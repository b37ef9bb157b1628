using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sharpformer.Decoding;
using Sharpformer.Serving;

namespace Sharpformer.Cli.Serving;

/// <summary>
/// The routes: <c>GET /</c> the attention explorer page, <c>GET /healthz</c>, <c>GET /api/model</c>,
/// <c>POST /api/translate</c> and <c>POST /api/attention</c>; any other route is a 404 naming it.
/// </summary>
internal static class ApiEndpoints
{
    private const string PageResource = "Sharpformer.Cli.Serving.explorer.html";

    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(ApiEndpoints).Assembly.GetManifestResourceStream(PageResource)
            ?? throw new InvalidOperationException($"The embedded resource {PageResource} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Adds the routes to <paramref name="app"/>.</summary>
    public static void Map(IEndpointRouteBuilder app, TranslationModel model, BatchingTranslator worker, ServeOptions options)
    {
        var reader = new RequestReader(options);
        var info = new ModelResponse(model.Config.Kind, JsonDocument.Parse(model.Config.ToJson()).RootElement.Clone(),
            model.Module.ParameterCount, model.Config.SourceVocab, model.Config.TargetVocab, model.Config.MaxLength,
            options.MaxBatch, options.MaxInputChars, options.MaxBeam);

        app.MapGet("/", async context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.Body.WriteAsync(Page.Value, context.RequestAborted);
        });
        app.MapGet("/healthz", context => WriteJsonAsync(context, new HealthResponse("ok", worker.Queued, worker.DroppedRequests)));
        app.MapGet("/api/model", context => WriteJsonAsync(context, info));
        app.MapPost("/api/translate", async context =>
        {
            long start = Stopwatch.GetTimestamp();
            var (texts, search) = await reader.TranslateAsync(context.Request);
            var result = await worker.TranslateAsync(texts, search, context.RequestAborted);
            for (int i = 0; i < texts.Count; i++)
                if (result.Translations[i].Outcome == TranslationOutcome.TooLong)
                    throw TooLong(texts.Count == 1 ? "\"text\"" : $"\"texts\"[{i}]", result.Translations[i].SourceTokens, model);
            await WriteJsonAsync(context, new TranslateResponse(result.Translations.Select(ToJson).ToList(), search.BeamSize, result.BatchSize,
                Milliseconds(result.QueueMs), Milliseconds(result.DecodeMs), Milliseconds(Stopwatch.GetElapsedTime(start).TotalMilliseconds)));
        });
        app.MapPost("/api/attention", async context =>
        {
            long start = Stopwatch.GetTimestamp();
            var (text, search) = await reader.AttentionAsync(context.Request);
            string translation;
            IReadOnlyList<Reports.AttentionGroup> groups;
            try
            {
                (translation, groups) = await worker.AttentionAsync(text, search, context.RequestAborted);
            }
            catch (InputTooLongException e)
            {
                throw TooLong("\"text\"", e.Tokens, model);
            }
            catch (ArgumentException e)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, e.Message);
            }
            await WriteJsonAsync(context, AttentionPayload.Create(translation, groups, Milliseconds(Stopwatch.GetElapsedTime(start).TotalMilliseconds)));
        });
        app.MapFallback("{**path}", context =>
            throw new ApiException(StatusCodes.Status404NotFound, $"No route {context.Request.Method} {context.Request.Path}."));
    }

    /// <summary>Writes <paramref name="value"/> as the JSON response with status <paramref name="status"/>.</summary>
    public static Task WriteJsonAsync<T>(HttpContext context, T value, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(value, ServerJson.Options, context.RequestAborted);
    }

    private static ApiException TooLong(string field, int tokens, TranslationModel model) =>
        new(StatusCodes.Status413PayloadTooLarge, $"{field} is {tokens} tokens long; the model accepts at most {model.Config.MaxLength - 1}.");

    private static TranslationJson ToJson(Translation t) =>
        new(t.Source, t.Text, t.Candidates.Select(c => new CandidateJson(c.Text, c.Score)).ToList(), t.UnknownSymbols);

    private static double Milliseconds(double ms) => Math.Round(ms, 2);
}

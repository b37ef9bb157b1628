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
/// <c>POST /api/translate</c> and <c>POST /api/attention</c>; a known route with another method is a 405 with an
/// <c>Allow</c> header, any other route a 404 naming it. A request that waits for the decoder longer than
/// <see cref="ServeOptions.RequestTimeout"/> is answered 503 and dropped from the queue without being decoded.
/// </summary>
internal static class ApiEndpoints
{
    private const string PageResource = "Sharpformer.Cli.Serving.explorer.html";

    private static readonly Dictionary<string, string> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/"] = "GET", ["/healthz"] = "GET", ["/api/model"] = "GET", ["/api/translate"] = "POST", ["/api/attention"] = "POST",
    };

    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(ApiEndpoints).Assembly.GetManifestResourceStream(PageResource)
            ?? throw new InvalidOperationException($"The embedded resource {PageResource} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Adds the routes to <paramref name="app"/>.</summary>
    // ASP0016 mistakes the decoding lambdas handed to WithinTimeout (Func<CancellationToken, Task<T>>) for request delegates.
#pragma warning disable ASP0016
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
            var result = await WithinTimeout(context, options, cancel => worker.TranslateAsync(texts, search, cancel));
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
                (translation, groups) = await WithinTimeout(context, options, cancel => worker.AttentionAsync(text, search, cancel));
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
        {
            if (Methods.TryGetValue(context.Request.Path.Value ?? "", out var allowed))
            {
                context.Response.Headers.Allow = allowed;
                throw new ApiException(StatusCodes.Status405MethodNotAllowed, $"{context.Request.Path} takes {allowed}, not {context.Request.Method}.");
            }
            throw new ApiException(StatusCodes.Status404NotFound, $"No route {context.Request.Method} {context.Request.Path}.");
        });
    }

#pragma warning restore ASP0016

    /// <summary>
    /// Runs a queued decoding with the client's cancellation and the server's request timeout: past the timeout the
    /// request leaves the queue undecoded and the client gets 503.
    /// </summary>
    private static async Task<T> WithinTimeout<T>(HttpContext context, ServeOptions options, Func<CancellationToken, Task<T>> decode)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            return await decode(timeout.Token);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            context.Response.Headers.RetryAfter = "1";
            throw new ApiException(StatusCodes.Status503ServiceUnavailable,
                $"The request waited longer than the request timeout of {options.RequestTimeout.TotalSeconds:0.###} s (--request-timeout) and was not decoded; the server is busy.");
        }
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

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sharpformer.Decoding;
using Sharpformer.Serving;

namespace Sharpformer.Cli.Serving;

/// <summary>
/// `sharpformer serve` as an object: a Kestrel server (ASP.NET Core minimal APIs) for one model, with the API of
/// <see cref="ApiEndpoints"/> and one <see cref="BatchingTranslator"/> that owns the model. Client errors are answered as
/// <c>{"error": "..."}</c> with their status; disposing stops the server and then the worker.
/// </summary>
internal sealed class TranslationServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly BatchingTranslator _worker;

    private TranslationServer(WebApplication app, BatchingTranslator worker, Uri url)
    {
        _app = app;
        _worker = worker;
        Url = url;
    }

    /// <summary>The address the server listens on (the real port when <see cref="ServeOptions.Url"/> asked for port 0).</summary>
    public Uri Url { get; }

    /// <summary>Starts serving <paramref name="model"/>; fails (IOException) when the address cannot be bound.</summary>
    public static async Task<TranslationServer> StartAsync(TranslationModel model, ServeOptions options)
    {
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(options.MinBodyBytesPerSecond, options.MinBodyRateGrace);
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        var worker = new BatchingTranslator(model, options.MaxBatch, options.BatchWindow);
        app.Use(AnswerErrorsAsJson);
        ApiEndpoints.Map(app, model, worker, options);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            worker.Dispose();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TranslationServer(app, worker, new Uri(address));
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C or SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops listening, lets the worker finish the queued requests, and releases both.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _worker.Dispose();
    }

    private static async Task AnswerErrorsAsJson(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; its queued work was dropped and nobody is left to answer.
        }
        catch (ApiException e)
        {
            await ApiEndpoints.WriteJsonAsync(context, new ErrorResponse(e.Message), e.Status);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Kestrel's own limits while reading the body: too slow (408), too large (413), malformed (400).
            await ApiEndpoints.WriteJsonAsync(context, new ErrorResponse(e.Message), e.StatusCode);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            await ApiEndpoints.WriteJsonAsync(context, new ErrorResponse($"Internal error: {e.Message}"), StatusCodes.Status500InternalServerError);
        }
    }
}

using System.CommandLine;
using Sharpformer.Cli.Serving;
using Sharpformer.Decoding;
using Sharpformer.NN;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer serve`: an HTTP server for one model — the translation and attention API and the attention explorer
/// page — until Ctrl+C. A model that cannot be loaded, or an address that cannot be bound, exits 1 with the reason.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = ModelOptions.Model();
        var urls = new Option<string>("--urls") { Description = "Address to listen on (loopback by default).", DefaultValueFactory = _ => new ServeOptions().Url };
        var maxBatch = ModelOptions.Positive("--max-batch", "Most sentences decoded together.", new ServeOptions().MaxBatch);
        var maxInput = ModelOptions.Positive("--max-input-chars", "Longest input text in characters (longer gets 413).", new ServeOptions().MaxInputChars);
        var defaults = new ServeOptions();
        var maxTexts = ModelOptions.Positive("--max-batch-texts", "Most texts in one request's \"texts\" array (more gets 413).", defaults.MaxBatchTexts);
        var requestTimeout = new Option<double>("--request-timeout")
        {
            Description = "Seconds a request may wait for the decoder; past it the answer is 503 and it is not decoded.", DefaultValueFactory = _ => defaults.RequestTimeout.TotalSeconds,
        };
        var headersTimeout = new Option<double>("--request-headers-timeout")
        {
            Description = "Seconds a client may take to send its request headers.", DefaultValueFactory = _ => defaults.RequestHeadersTimeout.TotalSeconds,
        };
        var minRate = new Option<double>("--min-request-body-rate")
        {
            Description = "Slowest request body accepted, bytes per second after a 5 s grace period (slower clients are cut off).",
            DefaultValueFactory = _ => defaults.MinBodyBytesPerSecond,
        };
        var maxConnections = ModelOptions.Positive("--max-connections", "Most open connections; further ones are refused.", (int)defaults.MaxConnections);
        var computeType = ModelOptions.ComputeTypeOption();
        var command = new Command("serve", "Serve a model over HTTP: a translation and attention API and an attention explorer page.")
        {
            model, urls, maxBatch, maxInput, maxTexts, requestTimeout, headersTimeout, minRate, maxConnections, computeType,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var options = new ServeOptions
            {
                Url = r.GetValue(urls)!, MaxBatch = r.GetValue(maxBatch), MaxInputChars = r.GetValue(maxInput), MaxBatchTexts = r.GetValue(maxTexts),
                RequestTimeout = Seconds(r.GetValue(requestTimeout), "--request-timeout"),
                RequestHeadersTimeout = Seconds(r.GetValue(headersTimeout), "--request-headers-timeout"),
                MinBodyBytesPerSecond = r.GetValue(minRate), MaxConnections = r.GetValue(maxConnections),
            }.Validate();
            var loaded = ModelOptions.Load(r.GetValue(model)!);
            r.GetValue(computeType).ApplyTo(loaded.Module);
            return Serve(loaded, options, r.GetValue(model)!.FullName).GetAwaiter().GetResult();
        }));
        return command;
    }

    private static TimeSpan Seconds(double seconds, string option) =>
        seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(seconds) : throw new UserError($"{option} must be a positive number of seconds (got {seconds}).");

    private static async Task<int> Serve(Decoding.TranslationModel model, ServeOptions options, string folder)
    {
        TranslationServer server;
        try
        {
            server = await TranslationServer.StartAsync(model, options);
        }
        catch (IOException e)
        {
            throw new UserError($"cannot listen on {options.Url}: {e.Message}");
        }
        await using (server)
        {
            Console.WriteLine($"Serving {folder} ({model.Module.ParameterCount:N0} parameters) on {server.Url} — open it in a browser, or POST /api/translate. Ctrl+C stops.");
            await server.WaitForShutdownAsync();
        }
        return 0;
    }
}

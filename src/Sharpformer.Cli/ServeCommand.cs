using System.CommandLine;
using Sharpformer.Cli.Serving;
using Sharpformer.Decoding;

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
        var command = new Command("serve", "Serve a model over HTTP: a translation and attention API and an attention explorer page.") { model, urls, maxBatch, maxInput };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var options = new ServeOptions { Url = r.GetValue(urls)!, MaxBatch = r.GetValue(maxBatch), MaxInputChars = r.GetValue(maxInput) }.Validate();
            var loaded = ModelOptions.Load(r.GetValue(model)!);
            return Serve(loaded, options, r.GetValue(model)!.FullName).GetAwaiter().GetResult();
        }));
        return command;
    }

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

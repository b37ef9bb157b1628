using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Sharpformer.Cli.Serving;
using Sharpformer.Decoding;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>A request whose client goes away while it waits behind a busy decoder frees its place and is never decoded.</summary>
public sealed class RequestCancellationTests
{
    [Fact]
    public async Task A_request_whose_client_goes_away_while_queued_is_dropped_before_decoding()
    {
        var untrained = ServedModel.CreateModel();
        var gated = new GatedNetwork(untrained.Module);
        var model = new TranslationModel(untrained.Config, gated, untrained.SourceTokenizer, untrained.TargetTokenizer);
        await using var server = await TranslationServer.StartAsync(model, new ServeOptions { Url = "http://127.0.0.1:0" });
        using var client = new HttpClient { BaseAddress = server.Url };

        try
        {
            var busy = client.PostAsJsonAsync("/api/translate", new { text = ServedModel.Texts[0] });
            Assert.True(gated.Entered.Wait(TimeSpan.FromSeconds(30)), "the first request never reached the decoder");
            using var cancel = new CancellationTokenSource();
            var abandoned = client.PostAsJsonAsync("/api/translate", new { text = ServedModel.Texts[1] }, cancel.Token);
            await WaitForQueuedAsync(client, 1);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
            await WaitForQueuedAsync(client, 0); // the server saw the client go away
            gated.Open();
            Assert.True((await busy).IsSuccessStatusCode);
            Assert.True((await client.PostAsJsonAsync("/api/translate", new { text = ServedModel.Texts[2] })).IsSuccessStatusCode);
            var health = await client.GetFromJsonAsync<JsonElement>("/healthz");
            Assert.Equal(1, health.GetProperty("dropped_requests").GetInt64());
        }
        finally
        {
            gated.Open(); // never leave the decoding thread blocked, or disposing the server would wait forever
        }
    }

    private static async Task WaitForQueuedAsync(HttpClient client, int queued)
    {
        var waited = Stopwatch.StartNew();
        while ((await client.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("queued").GetInt32() != queued)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"the queue never held {queued} requests");
            await Task.Delay(5);
        }
    }
}

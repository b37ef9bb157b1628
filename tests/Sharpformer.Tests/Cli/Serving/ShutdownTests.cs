using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>`sharpformer serve` stopped with SIGTERM while requests wait: every accepted request is answered, then it exits 0.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Sigterm_drains_the_accepted_requests_and_exits_0()
    {
        using var dir = new TemporaryDirectory();
        ServedModel.CreateModel().Save(dir.Path);
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "sharpformer.dll"), "serve", "--model", dir.Path, "--urls", $"http://127.0.0.1:{port}", "--max-batch", "1" })
            start.ArgumentList.Add(a);
        using var server = Process.Start(start)!;
        var stderr = server.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            await WaitUntilUpAsync(client);
            // Beam 8 on a 40-token model, one sentence at a time, 48 requests: the queue stays full long enough to stop the
            // server under it, even when the requests arrive spread out on a busy machine.
            var requests = Enumerable.Range(0, 48)
                .Select(i => client.PostAsJsonAsync("/api/translate", new { text = ServedModel.Texts[i % ServedModel.Texts.Count], beam = 8 }))
                .ToList();
            var waited = Stopwatch.StartNew();
            while ((await client.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("queued").GetInt32() < 12)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the requests never queued up");
                await Task.Delay(5);
            }
            using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
            var answers = await Task.WhenAll(requests);
            Assert.All(answers, a => Assert.Equal(200, (int)a.StatusCode));
            Assert.True(server.WaitForExit(TimeSpan.FromSeconds(60)), "the server did not exit after SIGTERM");
            Assert.Equal(0, server.ExitCode);
        }
        finally
        {
            if (!server.HasExited) server.Kill(true);
        }
        Assert.DoesNotContain("Exception", await stderr);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilUpAsync(HttpClient client)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "the server never started");
            await Task.Delay(50);
        }
    }
}

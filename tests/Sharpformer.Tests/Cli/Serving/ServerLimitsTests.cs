using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sharpformer.Cli.Serving;
using Sharpformer.Decoding;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>The server's defences: wrong methods, oversized batches, requests that wait too long, slow clients.</summary>
public sealed class ServerLimitsTests
{
    [Theory]
    [InlineData("GET", "/api/translate", "POST")]
    [InlineData("PUT", "/api/attention", "POST")]
    [InlineData("POST", "/healthz", "GET")]
    [InlineData("DELETE", "/", "GET")]
    public async Task A_known_route_with_another_method_is_405_with_an_Allow_header(string method, string path, string allowed)
    {
        await using var server = await TranslationServer.StartAsync(ServedModel.CreateModel(), new ServeOptions { Url = "http://127.0.0.1:0" });
        using var client = new HttpClient { BaseAddress = server.Url };
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal([allowed], response.Content.Headers.Allow);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains($"takes {allowed}", json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task More_texts_than_max_batch_texts_is_413_naming_the_limit()
    {
        await using var server = await TranslationServer.StartAsync(ServedModel.CreateModel(), new ServeOptions { Url = "http://127.0.0.1:0", MaxBatchTexts = 3 });
        using var client = new HttpClient { BaseAddress = server.Url };
        using var ok = await client.PostAsJsonAsync("/api/translate", new { texts = ServedModel.Texts.Take(3), beam = 1 });
        Assert.Equal(200, (int)ok.StatusCode);
        using var tooMany = await client.PostAsJsonAsync("/api/translate", new { texts = ServedModel.Texts.Take(4), beam = 1 });
        Assert.Equal(413, (int)tooMany.StatusCode);
        var error = (await tooMany.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
        Assert.Contains("holds 4 texts; the limit is 3 (--max-batch-texts)", error);
    }

    [Fact]
    public async Task A_request_that_waits_past_the_request_timeout_is_503_and_never_decoded()
    {
        var untrained = ServedModel.CreateModel();
        var gated = new GatedNetwork(untrained.Module);
        var model = new TranslationModel(untrained.Config, gated, untrained.SourceTokenizer, untrained.TargetTokenizer);
        await using var server = await TranslationServer.StartAsync(model,
            new ServeOptions { Url = "http://127.0.0.1:0", RequestTimeout = TimeSpan.FromMilliseconds(300) });
        using var client = new HttpClient { BaseAddress = server.Url };
        try
        {
            var busy = client.PostAsJsonAsync("/api/translate", new { text = ServedModel.Texts[0] }); // holds the decoder past its own timeout
            Assert.True(gated.Entered.Wait(TimeSpan.FromSeconds(30)), "the first request never reached the decoder");
            using var waiting = await client.PostAsJsonAsync("/api/translate", new { text = ServedModel.Texts[1] });
            Assert.Equal(503, (int)waiting.StatusCode);
            Assert.Equal("1", waiting.Headers.GetValues("Retry-After").Single());
            Assert.Contains("--request-timeout", (await waiting.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
            var health = await client.GetFromJsonAsync<JsonElement>("/healthz");
            Assert.Equal(0, health.GetProperty("queued").GetInt32()); // it left the queue
            gated.Open();
            Assert.Equal(200, (int)(await busy).StatusCode); // a request already being decoded is finished, not abandoned
            using var after = await client.PostAsJsonAsync("/api/translate", new { text = ServedModel.Texts[2] });
            Assert.Equal(200, (int)after.StatusCode);
            Assert.Equal(2, gated.Starts); // the held decode and the last one: the timed-out request was never decoded
            Assert.True((await client.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("dropped_requests").GetInt64() >= 1);
        }
        finally
        {
            gated.Open();
        }
    }

    [Fact]
    public async Task A_client_that_sends_its_body_one_byte_a_second_is_cut_off()
    {
        await using var server = await TranslationServer.StartAsync(ServedModel.CreateModel(), new ServeOptions
        {
            Url = "http://127.0.0.1:0", MinBodyBytesPerSecond = 50, MinBodyRateGrace = TimeSpan.FromSeconds(2),
        });
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.Url.Host, server.Url.Port);
        var stream = socket.GetStream();
        const string body = "{\"text\": \"山区公路积雪3米,断电, and a long tail of padding to trickle\"}";
        var head = $"POST /api/translate HTTP/1.1\r\nHost: {server.Url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var clock = Stopwatch.StartNew();
        bool cutOff = false;
        foreach (byte b in Encoding.UTF8.GetBytes(body))
        {
            try
            {
                await stream.WriteAsync(new[] { b });
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                cutOff = true;
                break;
            }
            if (socket.Client.Poll(0, SelectMode.SelectRead)) // an answer or a closed connection
            {
                var answer = new byte[4096];
                int read = await stream.ReadAsync(answer);
                cutOff = read == 0 || Encoding.ASCII.GetString(answer, 0, read).StartsWith("HTTP/1.1 408", StringComparison.Ordinal);
                break;
            }
            await Task.Delay(1000);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the slow client was never cut off");
        }
        Assert.True(cutOff, "the server kept reading a body sent one byte a second");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"cut off only after {clock.Elapsed.TotalSeconds:F0} s");
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_headers_is_disconnected_after_the_headers_timeout()
    {
        await using var server = await TranslationServer.StartAsync(ServedModel.CreateModel(),
            new ServeOptions { Url = "http://127.0.0.1:0", RequestHeadersTimeout = TimeSpan.FromSeconds(1) });
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.Url.Host, server.Url.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: {server.Url.Authority}\r\n")); // no blank line: headers never end
        var clock = Stopwatch.StartNew();
        var answer = await ReadUntilClosedAsync(stream, TimeSpan.FromSeconds(20));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"still connected after {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    [Fact]
    public async Task Connections_over_max_connections_are_refused_while_the_others_are_served()
    {
        await using var server = await TranslationServer.StartAsync(ServedModel.CreateModel(), new ServeOptions { Url = "http://127.0.0.1:0", MaxConnections = 2 });
        var request = Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: {server.Url.Authority}\r\n\r\n");
        var open = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 2; i++) // two kept-alive connections, each answered
            {
                var client = new TcpClient();
                open.Add(client);
                await client.ConnectAsync(server.Url.Host, server.Url.Port);
                await client.GetStream().WriteAsync(request);
                var buffer = new byte[4096];
                int read = await client.GetStream().ReadAsync(buffer);
                Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(buffer, 0, read));
            }
            using var third = new TcpClient();
            await third.ConnectAsync(server.Url.Host, server.Url.Port);
            string answer;
            try
            {
                await third.GetStream().WriteAsync(request);
                answer = await ReadUntilClosedAsync(third.GetStream(), TimeSpan.FromSeconds(20));
            }
            catch (IOException)
            {
                answer = ""; // reset by the server
            }
            Assert.DoesNotContain("200 OK", answer);
        }
        finally
        {
            foreach (var client in open) client.Dispose();
        }
    }

    // Everything the server sends until it closes the connection (or the time limit, which fails the caller's checks).
    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0) received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (IOException)
        {
            // a reset counts as closed
        }
        catch (OperationCanceledException)
        {
            received.Append(" [still open]");
        }
        return received.ToString();
    }
}

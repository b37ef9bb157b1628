using System.Net.Http.Json;
using System.Text.Json;
using Sharpformer.Decoding;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>The HTTP API of `sharpformer serve` against a running server on a free loopback port.</summary>
public sealed class TranslationServerTests(ServedModel served) : IClassFixture<ServedModel>
{
    [Fact]
    public async Task Translate_returns_the_same_best_text_and_candidates_as_the_translator()
    {
        var (status, json) = await served.PostAsync("/api/translate", new { text = ServedModel.Texts[0], beam = 3 });
        Assert.Equal(200, status);
        var expected = new Translator(served.Model, new SearchOptions { BeamSize = 3 }).Translate([ServedModel.Texts[0]])[0];
        var translation = Assert.Single(json.GetProperty("translations").EnumerateArray());
        Assert.Equal(ServedModel.Texts[0], translation.GetProperty("source").GetString());
        Assert.Equal(expected.Text, translation.GetProperty("text").GetString());
        Assert.Equal(expected.Candidates.Select(c => c.Text), translation.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("text").GetString()));
        Assert.Equal(3, json.GetProperty("beam").GetInt32());
        foreach (var timing in new[] { "queue_ms", "decode_ms", "total_ms" })
            Assert.True(json.GetProperty(timing).GetDouble() >= 0, timing);
    }

    [Fact]
    public async Task Translate_with_texts_answers_each_in_input_order()
    {
        var texts = ServedModel.Texts.Take(4).ToArray();
        var (status, json) = await served.PostAsync("/api/translate", new { texts, beam = 1 });
        Assert.Equal(200, status);
        var expected = new Translator(served.Model, new SearchOptions { BeamSize = 1 }).Translate(texts);
        var translations = json.GetProperty("translations").EnumerateArray().ToList();
        Assert.Equal(texts, translations.Select(t => t.GetProperty("source").GetString()));
        Assert.Equal(expected.Select(t => t.Text), translations.Select(t => t.GetProperty("text").GetString()));
        Assert.True(json.GetProperty("batch_size").GetInt32() >= 4);
    }

    [Fact]
    public async Task Attention_returns_every_layer_and_head_sized_to_the_tokens()
    {
        var (status, json) = await served.PostAsync("/api/attention", new { text = ServedModel.Texts[1] });
        Assert.Equal(200, status);
        int source = ServedModel.Texts[1].Length + 1; // characters and </s>
        var tokens = json.GetProperty("tokens");
        Assert.Equal(source, tokens.GetProperty("source").GetArrayLength());
        Assert.Equal("</s>", tokens.GetProperty("source")[source - 1].GetString());
        int target = tokens.GetProperty("target").GetArrayLength();
        Assert.Equal("<s>", tokens.GetProperty("target")[0].GetString());
        AssertShape(json.GetProperty("encoder"), source, source);
        AssertShape(json.GetProperty("decoder"), target, target);
        AssertShape(json.GetProperty("cross"), target, source);
        foreach (var row in json.GetProperty("cross")[0][0].EnumerateArray())
            Assert.Equal(1.0, row.EnumerateArray().Sum(w => w.GetDouble()), 2);
    }

    [Fact]
    public async Task Model_info_gives_the_config_parameter_count_and_vocabularies()
    {
        var json = await served.Client.GetFromJsonAsync<JsonElement>("/api/model");
        Assert.Equal("seq2seq", json.GetProperty("kind").GetString());
        Assert.Equal(served.Model.Module.ParameterCount, json.GetProperty("parameters").GetInt64());
        Assert.Equal(served.Model.Config.SourceVocab, json.GetProperty("source_vocab").GetInt32());
        Assert.Equal(served.Model.Config.TargetVocab, json.GetProperty("target_vocab").GetInt32());
        Assert.Equal(ServedModel.Heads, json.GetProperty("config").GetProperty("nhead").GetInt32());
    }

    [Fact]
    public async Task Healthz_and_the_page_answer()
    {
        var health = await served.Client.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        using var page = await served.Client.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("山区公路积雪3米", await page.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{\"beam\": 2}", "\"text\" or \"texts\" is required")]
    [InlineData("{\"text\": ", "Malformed JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"text\": 5}", "\"text\" has the wrong type")]
    [InlineData("{\"texts\": []}", "\"texts\" must not be empty")]
    [InlineData("{\"text\": \"a\", \"texts\": [\"b\"]}", "not both")]
    [InlineData("{\"text\": \"a\", \"beam\": 0}", "\"beam\" must be at least 1")]
    [InlineData("{\"text\": \"a\", \"beam\": 99}", "\"beam\" must be at most")]
    public async Task A_bad_translate_request_is_400_naming_the_field(string body, string message)
    {
        var (status, json) = await served.PostRawAsync("/api/translate", body);
        Assert.Equal(400, status);
        Assert.Contains(message, json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_attention_request_without_text_is_400()
    {
        var (status, json) = await served.PostRawAsync("/api/attention", "{}");
        Assert.Equal(400, status);
        Assert.Contains("\"text\" is required", json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_attention_request_over_the_model_length_is_413()
    {
        var (status, json) = await served.PostAsync("/api/attention", new { text = new string('雪', ServedModel.MaxLength) });
        Assert.Equal(413, status);
        Assert.Contains("tokens long", json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_413()
    {
        var texts = Enumerable.Repeat("积雪3米", 1000).ToArray();
        var (status, json) = await served.PostAsync("/api/translate", new { texts });
        Assert.Equal(413, status);
        Assert.Contains($"{served.Options.MaxBodyBytes} bytes", json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_text_over_the_character_limit_is_413()
    {
        var (status, json) = await served.PostAsync("/api/translate", new { text = new string('雪', served.Options.MaxInputChars + 1) });
        Assert.Equal(413, status);
        Assert.Contains($"limit is {served.Options.MaxInputChars}", json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_text_over_the_model_length_is_413_and_does_not_fail_its_batch()
    {
        var tooLong = served.PostAsync("/api/translate", new { texts = new[] { "积雪", new string('雪', ServedModel.MaxLength) } });
        var fine = served.PostAsync("/api/translate", new { text = "积雪" });
        var (status, json) = await tooLong;
        Assert.Equal(413, status);
        Assert.Contains("\"texts\"[1]", json.GetProperty("error").GetString());
        Assert.Equal(200, (await fine).Status);
    }

    [Theory]
    [InlineData("GET", "/no/such/route")]
    [InlineData("GET", "/favicon.ico")]
    [InlineData("POST", "/api/nothing")]
    public async Task An_unknown_route_is_404_json(string method, string path)
    {
        using var response = await served.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(404, (int)response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(path, json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Fifty_concurrent_requests_get_the_answers_of_sequential_ones()
    {
        var requests = Enumerable.Range(0, 50).Select(i => (Text: ServedModel.Texts[i % ServedModel.Texts.Count], Beam: 1 + i % 3)).ToList();
        var sequential = new Dictionary<(string, int), string>();
        foreach (var request in requests.Distinct())
            sequential[request] = await TranslateAsync(request.Text, request.Beam);
        var concurrent = await Task.WhenAll(requests.Select(r => TranslateAsync(r.Text, r.Beam)));
        for (int i = 0; i < requests.Count; i++)
            Assert.Equal(sequential[requests[i]], concurrent[i]);
    }

    private async Task<string> TranslateAsync(string text, int beam)
    {
        var (status, json) = await served.PostAsync("/api/translate", new { text, beam });
        Assert.Equal(200, status);
        return json.GetProperty("translations")[0].GetProperty("text").GetString()!;
    }

    private static void AssertShape(JsonElement tensor, int queries, int keys)
    {
        Assert.Equal(ServedModel.Layers, tensor.GetArrayLength());
        foreach (var layer in tensor.EnumerateArray())
        {
            Assert.Equal(ServedModel.Heads, layer.GetArrayLength());
            foreach (var head in layer.EnumerateArray())
            {
                Assert.Equal(queries, head.GetArrayLength());
                Assert.All(head.EnumerateArray(), row => Assert.Equal(keys, row.GetArrayLength()));
            }
        }
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Sharpformer.Cli.Serving;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Models.Transformer;
using Sharpformer.Tasks;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>
/// An untrained two-layer Transformer with a character vocabulary of rescue reports, served on a free loopback port for
/// the tests of one class. Untrained is enough: the tests check the API's shapes, limits and consistency, not quality.
/// </summary>
public sealed class ServedModel : IAsyncLifetime
{
    /// <summary>Short rescue-style inputs, all within the model's length limit.</summary>
    public static IReadOnlyList<string> Texts { get; } =
    [
        "山区公路积雪3米,断电", "隧道口雪深40厘米", "G318国道积雪5米,120人被困", "林场断电,急需发电机", "矿区积雪1米,伤员2人",
        "景区雪深70厘米,需要饮用水", "A7公路积雪2米", "收费站停电,急需医疗队",
    ];

    /// <summary>Heads and layers of the model, for shape checks.</summary>
    public const int Heads = 2, Layers = 2, MaxLength = 40;

    private TranslationServer? _server;

    /// <summary>The served model.</summary>
    public TranslationModel Model { get; } = CreateModel();

    /// <summary>The server's limits: small, so that the error tests stay cheap.</summary>
    internal ServeOptions Options { get; } = new() { Url = "http://127.0.0.1:0", MaxBatch = 16, MaxInputChars = 200, MaxBodyBytes = 4096 };

    /// <summary>A client whose base address is the running server.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The server's address.</summary>
    public Uri Url => _server!.Url;

    public async Task InitializeAsync()
    {
        _server = await TranslationServer.StartAsync(Model, Options);
        Client = new HttpClient { BaseAddress = _server.Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _server!.DisposeAsync();
    }

    /// <summary>POSTs <paramref name="body"/> as JSON and returns the status and parsed answer.</summary>
    public async Task<(int Status, JsonElement Json)> PostAsync(string path, object body, CancellationToken cancel = default)
    {
        using var response = await Client.PostAsJsonAsync(path, body, cancel);
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(cancel));
    }

    /// <summary>POSTs raw text with a JSON content type.</summary>
    public async Task<(int Status, JsonElement Json)> PostRawAsync(string path, string body)
    {
        using var response = await Client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>A fresh copy of the untrained model (same seed, same weights).</summary>
    public static TranslationModel CreateModel()
    {
        var corpus = new RescueTask().Generate(TaskSplit.Train, 200, 1).SelectMany(p => new[] { p.Source, p.Target }).Concat(Texts);
        var tokenizer = CharTokenizer.Build([.. corpus]);
        var config = new TransformerConfig
        {
            DModel = 32, Heads = Heads, EncoderLayers = Layers, DecoderLayers = Layers, DFf = 64, Dropout = 0f, MaxLength = MaxLength,
            SourceVocab = tokenizer.VocabSize, TargetVocab = tokenizer.VocabSize,
        };
        var network = new Seq2SeqTransformer(config, new Rng(5));
        network.Eval();
        return new TranslationModel(config, network, tokenizer, tokenizer);
    }
}

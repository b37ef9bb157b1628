using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Sharpformer.Tests.Cli.Serving;

namespace Sharpformer.Tests.Fuzzing;

/// <summary>
/// The HTTP request bodies of <c>serve</c> fuzzed like the files (<see cref="ByteMutator"/>): every mutant of a valid
/// translate or attention request is answered 200 or a client error (400, 413) with a JSON <c>error</c>, never a 500,
/// a dropped connection or a hang, and the server keeps answering valid requests afterwards.
/// </summary>
public sealed class HttpBodyFuzzTests(ServedModel served) : IClassFixture<ServedModel>
{
    private static int Mutants => ByteMutator.MutantsPerSeed;

    [Theory]
    [InlineData("/api/translate", "{\"texts\": [\"隧道口雪深40厘米\", \"A7公路积雪2米\"], \"beam\": 2, \"length_penalty\": 0.6}")]
    [InlineData("/api/translate", "{\"text\": \"林场断电,急需发电机\", \"beam\": 1}")]
    [InlineData("/api/attention", "{\"text\": \"矿区积雪1米,伤员2人\", \"beam\": 2}")]
    public async Task Every_mutant_of_a_valid_body_is_answered_200_or_a_client_error(string path, string valid)
    {
        var original = Encoding.UTF8.GetBytes(valid);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        for (int seed = 0; seed < Mutants; seed++)
        {
            var (bytes, kind) = ByteMutator.Mutate(original, seed);
            var timer = Stopwatch.StartNew();
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await served.Client.PostAsync(path, content);
            int status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var text = await response.Content.ReadAsStringAsync();
            string what = $"{kind} seed {seed}: {status} after {timer.ElapsedMilliseconds} ms";
            if (status is not (200 or 400 or 413)) failures.Add($"{what}: {text[..Math.Min(200, text.Length)]}");
            else if (status != 200 && !HasError(text)) failures.Add($"{what} without a JSON error: {text[..Math.Min(200, text.Length)]}");
            else if (timer.Elapsed > TimeSpan.FromSeconds(5)) failures.Add($"{what}: too slow");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Assert.True(statuses.Count >= 2, $"the mutants were all answered alike: {string.Join(", ", statuses)}");
        var (after, _) = await served.PostAsync(path, JsonSerializer.Deserialize<JsonElement>(valid));
        Assert.Equal(200, after);
    }

    private static bool HasError(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

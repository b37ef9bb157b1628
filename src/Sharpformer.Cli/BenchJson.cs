using System.Text.Json;

namespace Sharpformer.Cli;

/// <summary>The JSON the `bench` commands print: snake_case names, so the side-by-side scripts read every benchmark alike; enums by name.</summary>
internal static class BenchJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>One line of JSON for <paramref name="value"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}

using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sharpformer.Cli.Serving;

/// <summary>The JSON settings of the HTTP API: snake_case names, CJK written verbatim, nulls kept so every field is always present.</summary>
internal static class ServerJson
{
    /// <summary>Used for both request and response bodies.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };
}

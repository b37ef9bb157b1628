namespace Sharpformer.Cli.Serving;

/// <summary>A request the server refuses: the HTTP status and the message sent back as <c>{"error": ...}</c>.</summary>
internal sealed class ApiException(int status, string message) : Exception(message)
{
    /// <summary>The HTTP status code (400 malformed, 404 unknown route, 413 too large).</summary>
    public int Status { get; } = status;
}

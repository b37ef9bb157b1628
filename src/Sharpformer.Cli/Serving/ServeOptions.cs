namespace Sharpformer.Cli.Serving;

/// <summary>How <see cref="TranslationServer"/> listens, batches and limits requests.</summary>
internal sealed record ServeOptions
{
    /// <summary>Address to listen on; port 0 picks a free port (the bound address is <see cref="TranslationServer.Url"/>).</summary>
    public string Url { get; init; } = "http://127.0.0.1:5000";

    /// <summary>Most sentences decoded together in one batch.</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>How long the decoder waits for more requests to join a batch after the first one arrives.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(3);

    /// <summary>Longest input text accepted, in characters (longer ones get 413).</summary>
    public int MaxInputChars { get; init; } = 1000;

    /// <summary>Largest request body accepted, in bytes (larger ones get 413).</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>Largest beam a request may ask for.</summary>
    public int MaxBeam { get; init; } = Decoding.SearchOptions.MaxBeamSize;

    /// <summary>Fails with a message naming the option at fault.</summary>
    public ServeOptions Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"--urls: '{Url}' is not an http:// address.");
        if (MaxBatch < 1) throw new ArgumentException($"--max-batch must be at least 1 (got {MaxBatch}).");
        if (MaxInputChars < 1) throw new ArgumentException($"--max-input-chars must be at least 1 (got {MaxInputChars}).");
        return this;
    }
}

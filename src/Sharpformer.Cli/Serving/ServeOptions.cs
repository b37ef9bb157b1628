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

    /// <summary>Most texts in one request's <c>texts</c> array (more get 413).</summary>
    public int MaxBatchTexts { get; init; } = 64;

    /// <summary>How long a request may wait for the decoder before it is answered 503 without being decoded.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a client may take to send the request headers (Kestrel's RequestHeadersTimeout).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Slowest request body accepted, in bytes per second after <see cref="MinBodyRateGrace"/> (Kestrel's
    /// MinRequestBodyDataRate): a client that trickles its body is cut off instead of holding a connection.
    /// </summary>
    public double MinBodyBytesPerSecond { get; init; } = 240;

    /// <summary>The grace period before <see cref="MinBodyBytesPerSecond"/> applies (over one second, Kestrel's heartbeat).</summary>
    public TimeSpan MinBodyRateGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most open connections (Kestrel's MaxConcurrentConnections); further ones are refused.</summary>
    public long MaxConnections { get; init; } = 1000;

    /// <summary>Fails with a message naming the option at fault.</summary>
    public ServeOptions Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"--urls: '{Url}' is not an http:// address.");
        if (MaxBatch < 1) throw new ArgumentException($"--max-batch must be at least 1 (got {MaxBatch}).");
        if (MaxInputChars < 1) throw new ArgumentException($"--max-input-chars must be at least 1 (got {MaxInputChars}).");
        if (MaxBatchTexts < 1) throw new ArgumentException($"--max-batch-texts must be at least 1 (got {MaxBatchTexts}).");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException($"--request-timeout must be positive (got {RequestTimeout.TotalSeconds} s).");
        if (RequestHeadersTimeout <= TimeSpan.Zero) throw new ArgumentException($"--request-headers-timeout must be positive (got {RequestHeadersTimeout.TotalSeconds} s).");
        if (MinBodyBytesPerSecond <= 0) throw new ArgumentException($"--min-request-body-rate must be positive (got {MinBodyBytesPerSecond}).");
        if (MinBodyRateGrace <= TimeSpan.FromSeconds(1)) throw new ArgumentException("The grace period of the minimum body rate must be over 1 s.");
        if (MaxConnections < 1) throw new ArgumentException($"--max-connections must be at least 1 (got {MaxConnections}).");
        return this;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sharpformer.Training;

/// <summary>
/// Everything besides weights and optimiser moments that a resumed run needs to continue exactly where it stopped:
/// the step, the position in the data (epoch and batch), the RNG state, the best dev result so far and the time spent.
/// </summary>
public sealed record TrainerState
{
    /// <summary>Optimiser steps taken.</summary>
    [JsonPropertyName("step")] public long Step { get; init; }

    /// <summary>Current epoch (0-based).</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary>Number of batches of the current epoch already consumed.</summary>
    [JsonPropertyName("batch_in_epoch")] public int BatchInEpoch { get; init; }

    /// <summary>The seeded generator's state (dropout masks continue the same sequence).</summary>
    [JsonPropertyName("rng_state")] public ulong[] RngState { get; init; } = [];

    /// <summary>Best dev metric so far (higher is better), or null before the first evaluation.</summary>
    [JsonPropertyName("best_metric")] public double? BestMetric { get; init; }

    /// <summary>Dev loss of the best checkpoint (breaks ties of the metric).</summary>
    [JsonPropertyName("best_loss")] public double? BestLoss { get; init; }

    /// <summary>Step of the best checkpoint.</summary>
    [JsonPropertyName("best_step")] public long BestStep { get; init; }

    /// <summary>Wall-clock seconds of training before this checkpoint.</summary>
    [JsonPropertyName("elapsed_seconds")] public double ElapsedSeconds { get; init; }

    /// <summary>Serialises to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static TrainerState FromJson(string json) =>
        JsonSerializer.Deserialize<TrainerState>(json, Options) ?? throw new JsonException("trainer state is null");

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };
}

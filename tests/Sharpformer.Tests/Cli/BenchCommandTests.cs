using System.Text.Json;

namespace Sharpformer.Tests.Cli;

/// <summary>The `bench` commands run end to end on small settings and report their figures as snake_case JSON.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public void Bench_train_reports_the_step_time_throughput_and_memory_of_preset_S_as_json()
    {
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "train", "--preset", "S", "--steps", "1", "--json");
        Assert.True(code == 0, stderr);
        using var result = JsonDocument.Parse(stdout);
        var root = result.RootElement;
        Assert.Equal("S", root.GetProperty("preset").GetString());
        Assert.Equal(7_586_624, root.GetProperty("parameters").GetInt64()); // d_model 256, 3+3 layers, tied vocabulary of 8000
        Assert.True(root.GetProperty("mean_milliseconds").GetDouble() > 0);
        Assert.True(root.GetProperty("target_tokens_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("peak_working_set_bytes").GetInt64() > 0);
        Assert.Equal(1, root.GetProperty("processes").GetInt32());
    }

    [Fact]
    public void Bench_decode_times_cached_and_uncached_decoding_of_exactly_the_requested_tokens()
    {
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "decode", "--batch", "2", "--beam", "2", "--tokens", "3", "--json", "--profile");
        Assert.True(code == 0, stderr);
        // --profile: the per-operation table goes to standard error, leaving standard output to the JSON.
        Assert.Contains("Time per operation, per cached decode", stderr);
        Assert.Matches(@"Linear\w*\s+forward", stderr); // Linear, LinearPanels or LinearPacked, by the rows of the product
        using var result = JsonDocument.Parse(stdout);
        var root = result.RootElement;
        Assert.Equal((2, 2, 3), (root.GetProperty("batch").GetInt32(), root.GetProperty("beam").GetInt32(), root.GetProperty("new_tokens").GetInt32()));
        double cached = root.GetProperty("cached_milliseconds").GetDouble();
        Assert.True(cached > 0);
        Assert.Equal(2 * 3 / (cached / 1000), root.GetProperty("cached_tokens_per_second").GetDouble(), 6);
        Assert.True(root.GetProperty("uncached_tokens_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("managed_bytes_per_token").GetDouble() > 0); // every step still allocates its tensors' objects
        // Preset S in float32: 3 decoder layers of 6 256x256 projections and 256x1024 + 1024x256, and the 8000x256 output.
        long stepBytes = root.GetProperty("weight_bytes_per_step").GetInt64();
        Assert.Equal(4L * ((3 * ((6 * 256 * 256) + (2 * 256 * 1024))) + (8000 * 256)), stepBytes);
        Assert.Equal(stepBytes * 3 / (cached / 1000) / 1e9, root.GetProperty("weight_gigabytes_per_second").GetDouble(), 6);
    }

    [Fact]
    public void Bench_memory_reports_the_read_bandwidth_of_each_size_and_thread_count_as_json()
    {
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "memory", "--sizes", "0.25", "1", "--threads", "1", "--json");
        Assert.True(code == 0, stderr);
        using var result = JsonDocument.Parse(stdout);
        var rows = result.RootElement.EnumerateArray().ToList();
        Assert.Equal([0.25, 1.0], rows.Select(r => r.GetProperty("size_mib").GetDouble()));
        foreach (var row in rows)
        {
            Assert.Equal(1, row.GetProperty("threads").GetInt32());
            double bytes = row.GetProperty("size_mib").GetDouble() * 1024 * 1024, ms = row.GetProperty("ms").GetDouble();
            Assert.True(ms > 0);
            Assert.Equal(bytes / (ms / 1000) / 1e9, row.GetProperty("gb_per_s").GetDouble(), 1e-2 * bytes / (ms / 1000) / 1e9 + 0.01);
        }
    }

    [Fact]
    public void Bench_memory_refuses_a_size_that_is_not_positive()
    {
        var (code, _, stderr) = SharpformerProcess.Run(null, "bench", "memory", "--sizes", "0");
        Assert.NotEqual(0, code);
        Assert.Contains("--sizes must be between 0 and 16384 MiB", stderr);
    }

    [Fact]
    public void Bench_decode_onnxruntime_times_both_runtimes_on_the_same_search_at_each_thread_count()
    {
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "decode", "--onnxruntime", "--batch", "2", "--beam", "2", "--tokens", "2",
            "--threads", "1", "--compute-type", "bfloat16", "--json");
        Assert.True(code == 0, stderr);
        using var result = JsonDocument.Parse(stdout);
        var row = Assert.Single(result.RootElement.EnumerateArray());
        Assert.Equal((2, 2, 2, 1), (row.GetProperty("batch").GetInt32(), row.GetProperty("beam").GetInt32(), row.GetProperty("new_tokens").GetInt32(),
            row.GetProperty("threads").GetInt32()));
        double ours = row.GetProperty("ours_tokens_per_second").GetDouble(), theirs = row.GetProperty("onnx_runtime_tokens_per_second").GetDouble();
        Assert.True(ours > 0 && theirs > 0);
        Assert.Equal(ours / theirs, row.GetProperty("ratio").GetDouble(), 6);
        Assert.Equal("bfloat16", row.GetProperty("ours_compute_type").GetString(), ignoreCase: true); // ours in bfloat16, ONNX Runtime in float32
    }

    [Fact]
    public void Bench_decode_onnxruntime_times_a_row_per_architecture_and_profiles_our_side()
    {
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "decode", "--onnxruntime", "--arch", "gru-bahdanau", "transformer", "--batch", "2", "--tokens", "2",
            "--threads", "1", "--compute-type", "int8", "--json", "--profile");
        Assert.True(code == 0, stderr);
        using var result = JsonDocument.Parse(stdout);
        var rows = result.RootElement.EnumerateArray().ToList();
        Assert.Equal(["gru-bahdanau", "transformer"], rows.Select(r => r.GetProperty("architecture").GetString()));
        Assert.All(rows, row => Assert.True(row.GetProperty("ours_tokens_per_second").GetDouble() > 0 && row.GetProperty("onnx_runtime_tokens_per_second").GetDouble() > 0));
        // ours in int8 for both; ONNX Runtime in its int8 graphs for the Transformer, in float32 for the GRU (ONNX's GRU takes float weights)
        Assert.Equal([("int8", "float32"), ("int8", "int8")], rows.Select(r =>
            (r.GetProperty("ours_compute_type").GetString()!.ToLowerInvariant(), r.GetProperty("onnx_runtime_compute_type").GetString()!.ToLowerInvariant())));
        Assert.Contains("Recurrence", stderr); // the per-operation table of our side (the first architecture), on standard error beside --json

        var (bad, _, error) = SharpformerProcess.Run(null, "bench", "decode", "--arch", "lstm");
        Assert.Equal(1, bad);
        Assert.Contains("needs --onnxruntime", error);
        (bad, _, error) = SharpformerProcess.Run(null, "bench", "decode", "--batch", "1", "32");
        Assert.Equal(1, bad);
        Assert.Contains("several --batch, --beam, --compute-type or --arch values need --onnxruntime", error);
    }

    [Fact]
    public void Bench_recurrent_times_an_lstm_and_a_gru_layer_at_every_length()
    {
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "bench", "recurrent", "--batch", "2", "--d", "8", "--lengths", "3,5", "--json");
        Assert.True(code == 0, stderr);
        using var result = JsonDocument.Parse(stdout);
        var rows = result.RootElement.EnumerateArray().ToList();
        Assert.Equal([("lstm", 3), ("lstm", 5), ("gru", 3), ("gru", 5)], rows.Select(r => (r.GetProperty("arch").GetString(), r.GetProperty("length").GetInt32())));
        Assert.All(rows, r => Assert.True(r.GetProperty("ms").GetDouble() > 0));

        var (bad, _, error) = SharpformerProcess.Run(null, "bench", "recurrent", "--lengths", "4,x");
        Assert.Equal(1, bad);
        Assert.Contains("'x' is not a positive whole number", error);
    }
}

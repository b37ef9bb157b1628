using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sharpformer.Autograd;
using Sharpformer.Benchmarks;
using Sharpformer.Decoding;
using Sharpformer.Kernels;
using Sharpformer.Models;
using Sharpformer.Onnx;
using Sharpformer.Training;
using Spectre.Console;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer bench decode`: new tokens per second of greedy or beam decoding with the key/value cache, against
/// greedy decoding that re-runs the decoder over the prefix, for the Transformer of training preset S or M.
/// </summary>
internal static class BenchDecodeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "Model of training preset S or M (random weights).", DefaultValueFactory = _ => "S" };
        preset.AcceptOnlyFromAmong("S", "M", "s", "m");
        var batch = ModelOptions.Positive("--batch", "Sentences decoded together.", 1);
        var beam = ModelOptions.Positive("--beam", "Beam size (1 = greedy).", 1);
        var tokens = ModelOptions.Positive("--tokens", "New tokens per sentence (<eos> banned until then).", 32);
        var threads = ModelOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var profile = ProfileOption.Create();
        var onnxRuntime = new Option<bool>("--onnxruntime")
        {
            Description = "Side by side with ONNX Runtime on the exported graphs of the same model (same input and search), on 1 thread and on every core (or --threads).",
        };
        var computeType = ModelOptions.ComputeTypeOption();
        var arch = new Option<string>("--arch")
        {
            Description = "transformer, or a recurrent encoder-decoder (gru-bahdanau, lstm-luong, ...: the preset's width, 2 layers, bidirectional encoder; with --onnxruntime only).",
            DefaultValueFactory = _ => Architecture.Transformer.Name,
        };
        arch.AcceptOnlyFromAmong([.. Architecture.Names]);
        var command = new Command("decode", "Measure decoding speed with and without the key/value cache.") { preset, batch, beam, tokens, threads, json, profile, onnxRuntime, computeType, arch };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var benchmarkPreset = TrainingBenchmarkPreset.Get(r.GetValue(preset)!);
            bool recurrent = !Architecture.Parse(r.GetValue(arch)!).IsTransformer;
            if (recurrent && !r.GetValue(onnxRuntime))
                throw new UserError("bench decode --arch with a recurrent model needs --onnxruntime (the cache comparison is the Transformer's).");
            if (r.GetValue(onnxRuntime))
            {
                IModelConfig config = recurrent ? benchmarkPreset.Recurrent(r.GetValue(arch)!) : benchmarkPreset.Model;
                int[] threadCounts = r.GetValue(threads) is int n ? [n] : [.. new[] { 1, Environment.ProcessorCount }.Distinct()];
                SideBySide(config, r.GetValue(batch), r.GetValue(beam), r.GetValue(tokens), threadCounts, r.GetValue(json), r.GetValue(computeType));
                if (r.GetValue(profile)) ProfileOurs(config, r.GetValue(batch), r.GetValue(beam), r.GetValue(tokens), threadCounts[0], r.GetValue(computeType), r.GetValue(json));
                return 0;
            }
            if (r.GetValue(threads) is int count) KernelThreads.SetCount(count);
            const int repeats = 3;
            using var profiler = r.GetValue(profile) ? OpProfiler.Start() : null;
            var result = DecodingBenchmark.Measure(TrainingBenchmarkPreset.Get(r.GetValue(preset)!).Model, r.GetValue(batch), r.GetValue(beam),
                newTokens: r.GetValue(tokens), repeats: repeats, profiler: profiler, computeType: r.GetValue(computeType));
            if (r.GetValue(json))
            {
                Console.WriteLine(BenchJson.Serialize(result));
                ProfileOption.Print(profiler, repeats, "cached decode", toStandardError: true);
                return 0;
            }
            var c = CultureInfo.InvariantCulture;
            var table = new Table().AddColumns("batch", "beam", "new tokens", "threads", "cached tok/s", "uncached greedy tok/s", "cache speed-up", "managed KB/token", "weight MB/step", "weight GB/s");
            table.AddRow(result.Batch.ToString(c), result.Beam.ToString(c), result.NewTokens.ToString(c), result.Threads.ToString(c),
                result.CachedTokensPerSecond.ToString("F0", c), result.UncachedTokensPerSecond.ToString("F0", c),
                (result.UncachedMilliseconds / result.CachedMilliseconds).ToString("F2", c) + "x", (result.ManagedBytesPerToken / 1024).ToString("F1", c),
                (result.WeightBytesPerStep / 1e6).ToString("F2", c), result.WeightGigabytesPerSecond.ToString("F1", c));
            AnsiConsole.Write(table);
            ProfileOption.Print(profiler, repeats, "cached decode", toStandardError: false);
            return 0;
        }));
        return command;
    }

    private static void SideBySide(IModelConfig config, int batch, int beam, int tokens, int[] threadCounts, bool json, NN.ComputeType computeType)
    {
        var results = threadCounts.Select(t => OnnxRuntimeDecodingBenchmark.Measure(config, batch, beam, t, newTokens: tokens, computeType: computeType)).ToList();
        if (json)
        {
            Console.WriteLine(BenchJson.Serialize(results));
            return;
        }
        var c = CultureInfo.InvariantCulture;
        var (ours, theirs) = (results[0].OursComputeType.ToString().ToLowerInvariant(), results[0].OnnxRuntimeComputeType.ToString().ToLowerInvariant());
        var table = new Table().AddColumns("batch", "beam", "threads", $"Sharpformer ({ours}) tok/s", $"ONNX Runtime ({theirs}) tok/s", "ours / ORT");
        foreach (var r in results)
            table.AddRow(r.Batch.ToString(c), r.Beam.ToString(c), r.Threads.ToString(c), r.OursTokensPerSecond.ToString("F0", c),
                r.OnnxRuntimeTokensPerSecond.ToString("F0", c), r.Ratio.ToString("F2", c));
        AnsiConsole.Write(table);
    }

    // Our side's time per operation over a few more decodes of the same workload (--profile with --onnxruntime).
    private static void ProfileOurs(IModelConfig config, int batch, int beam, int tokens, int threads, NN.ComputeType computeType, bool json)
    {
        const int repeats = 3;
        var (model, source) = DecodingBenchmark.Workload(config, batch, sourceLength: 32);
        NN.ComputeTypeExtensions.ApplyTo(computeType, (NN.Module)model);
        KernelThreads.SetCount(threads);
        var options = DecodingBenchmark.Search(beam, tokens);
        DecodingBenchmark.Decode(model, source, options); // warm-up
        using var profiler = OpProfiler.Start();
        for (int i = 0; i < repeats; i++) DecodingBenchmark.Decode(model, source, options);
        ProfileOption.Print(profiler, repeats, "cached decode", toStandardError: json);
    }
}

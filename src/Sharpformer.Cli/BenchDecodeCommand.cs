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
        var batch = PositiveList("--batch", "Sentences decoded together; with --onnxruntime several, e.g. --batch 1 32.");
        var beam = PositiveList("--beam", "Beam size (1 = greedy); with --onnxruntime several, e.g. --beam 1 4.");
        var tokens = ModelOptions.Positive("--tokens", "New tokens per sentence (<eos> banned until then).", 32);
        var threads = ModelOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print JSON (an object; with --onnxruntime an array of rows) instead of a table." };
        var profile = ProfileOption.Create();
        var onnxRuntime = new Option<bool>("--onnxruntime")
        {
            Description = "Side by side with ONNX Runtime on the exported graphs of the same model (same input and search), on 1 thread and on every core (or --threads): one row per architecture, compute type, batch, beam and thread count.",
        };
        var computeTypes = new Option<NN.ComputeType[]>("--compute-type")
        {
            Description = "float32 (default), int8, bfloat16 or auto (see translate --help); with --onnxruntime several, e.g. --compute-type float32 int8 (ONNX Runtime runs its int8 graphs beside our int8).",
            AllowMultipleArgumentsPerToken = true,
        };
        var arch = new Option<string[]>("--arch")
        {
            Description = "transformer (default), or a recurrent encoder-decoder (gru-bahdanau, lstm-luong, ...: the preset's width, 2 layers, bidirectional encoder; with --onnxruntime only); several with --onnxruntime.",
            AllowMultipleArgumentsPerToken = true,
        };
        arch.AcceptOnlyFromAmong([.. Architecture.Names]);
        var command = new Command("decode", "Measure decoding speed with and without the key/value cache, or side by side with ONNX Runtime.")
        {
            preset, batch, beam, tokens, threads, json, profile, onnxRuntime, computeTypes, arch,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var benchmarkPreset = TrainingBenchmarkPreset.Get(r.GetValue(preset)!);
            int[] batches = Values(r.GetValue(batch), 1), beams = Values(r.GetValue(beam), 1);
            var types = Values(r.GetValue(computeTypes), NN.ComputeType.Float32);
            var architectures = Values(r.GetValue(arch), Architecture.Transformer.Name);
            if (r.GetValue(onnxRuntime))
            {
                int[] threadCounts = r.GetValue(threads) is int n ? [n] : [.. new[] { 1, Environment.ProcessorCount }.Distinct()];
                SideBySide(benchmarkPreset, architectures, types, batches, beams, r.GetValue(tokens), threadCounts, r.GetValue(json));
                if (r.GetValue(profile))
                    ProfileOurs(Config(benchmarkPreset, architectures[0]), batches[0], beams[0], r.GetValue(tokens), threadCounts[0], types[0], r.GetValue(json));
                return 0;
            }
            if (architectures.Any(a => !Architecture.Parse(a).IsTransformer))
                throw new UserError("bench decode --arch with a recurrent model needs --onnxruntime (the cache comparison is the Transformer's).");
            if (batches.Length > 1 || beams.Length > 1 || types.Length > 1 || architectures.Length > 1)
                throw new UserError("bench decode: several --batch, --beam, --compute-type or --arch values need --onnxruntime (the side-by-side table); without it give one of each.");
            if (r.GetValue(threads) is int count) KernelThreads.SetCount(count);
            const int repeats = 3;
            using var profiler = r.GetValue(profile) ? OpProfiler.Start() : null;
            var result = DecodingBenchmark.Measure(benchmarkPreset.Model, batches[0], beams[0],
                newTokens: r.GetValue(tokens), repeats: repeats, profiler: profiler, computeType: types[0]);
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

    private static Option<int[]> PositiveList(string name, string description)
    {
        var option = new Option<int[]>(name) { Description = description + " Default 1.", AllowMultipleArgumentsPerToken = true };
        option.Validators.Add(r => { if (r.GetValueOrDefault<int[]>()?.Any(v => v < 1) == true) r.AddError($"{name} must be at least 1."); });
        return option;
    }

    private static T[] Values<T>(T[]? given, T fallback) => given is { Length: > 0 } ? given : [fallback];

    private static IModelConfig Config(TrainingBenchmarkPreset preset, string arch) =>
        Architecture.Parse(arch).IsTransformer ? preset.Model : preset.Recurrent(arch);

    // One row per architecture, compute type, batch, beam and thread count, in that nesting order, each timed back to back with ONNX Runtime.
    private static void SideBySide(TrainingBenchmarkPreset preset, string[] architectures, NN.ComputeType[] types, int[] batches, int[] beams, int tokens, int[] threadCounts, bool json)
    {
        var results = (from arch in architectures
                       from type in types
                       from batch in batches
                       from beam in beams
                       from threads in threadCounts
                       select OnnxRuntimeDecodingBenchmark.Measure(Config(preset, arch), batch, beam, threads, newTokens: tokens, computeType: type)
                           with { Architecture = Architecture.Parse(arch).Name }).ToList();
        if (json)
        {
            Console.WriteLine(BenchJson.Serialize(results));
            return;
        }
        var c = CultureInfo.InvariantCulture;
        var table = new Table().AddColumns("architecture", "compute type (ours / ORT)", "batch", "beam", "threads", "Sharpformer tok/s", "ONNX Runtime tok/s", "ours / ORT");
        foreach (var r in results)
            table.AddRow(r.Architecture, $"{Name(r.OursComputeType)} / {Name(r.OnnxRuntimeComputeType)}", r.Batch.ToString(c), r.Beam.ToString(c), r.Threads.ToString(c),
                r.OursTokensPerSecond.ToString("F0", c), r.OnnxRuntimeTokensPerSecond.ToString("F0", c), r.Ratio.ToString("F2", c));
        AnsiConsole.Write(table);
    }

    private static string Name(NN.ComputeType type) => type.ToString().ToLowerInvariant();

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

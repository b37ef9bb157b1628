using Sharpformer.IO;
using Sharpformer.Kernels;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.IO;

/// <summary><see cref="ModelCheckpoint.SaveInt8"/>: int8 weights with per-row scales that load back exactly, and refused when the scales are wrong.</summary>
public sealed class Int8CheckpointTests
{
    private static readonly TransformerConfig Config = new()
    {
        DModel = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, DFf = 64, SourceVocab = 11, TargetVocab = 13, MaxLength = 16,
    };

    [Fact]
    public void An_int8_checkpoint_loads_the_same_integers_and_scales_and_the_other_weights_unchanged()
    {
        using var dir = new TemporaryDirectory();
        var model = new Seq2SeqTransformer(Config, new Rng(3));
        ModelCheckpoint.Save(dir.File("f32"), Config, model);
        ModelCheckpoint.SaveInt8(dir.File("i8"), Config, model);
        var (_, loaded) = ModelCheckpoint.Load(dir.File("i8"), new Rng(99));

        var originalLinears = model.Modules().OfType<Linear>().ToList();
        var loadedLinears = loaded.Modules().OfType<Linear>().ToList();
        Assert.Equal(originalLinears.Count, loadedLinears.Count);
        foreach (var (original, restored) in originalLinears.Zip(loadedLinears))
        {
            var expected = Int8Matrix.Quantize(original.Weight.Data, original.OutFeatures, original.InFeatures);
            Assert.NotNull(restored.Int8Weight);
            Assert.Equal(expected.Values, restored.Int8Weight!.Values);
            Assert.Equal(expected.Scales, restored.Int8Weight.Scales);
        }
        var originalTables = model.Modules().OfType<Embedding>().ToList();
        var loadedTables = loaded.Modules().OfType<Embedding>().ToList();
        Assert.Equal(2, originalTables.Count); // source and target embeddings, quantized one scale per token
        foreach (var (original, restored) in originalTables.Zip(loadedTables))
        {
            var expected = Int8Matrix.Quantize(original.Weight.Data, original.NumEmbeddings, original.Dim);
            Assert.Equal(expected.Values, restored.Int8Weight!.Values);
            Assert.Equal(expected.Scales, restored.Int8Weight.Scales);
        }
        var linearWeights = originalLinears.Select(l => (object)l.Weight).Concat(originalTables.Select(e => (object)e.Weight))
            .ToHashSet(ReferenceEqualityComparer.Instance);
        var restoredState = loaded.StateDict();
        foreach (var (name, tensor) in model.StateDict().Where(p => !linearWeights.Contains(p.Value)))
            Assert.Equal(tensor.Data.ToArray(), restoredState[name].Data.ToArray());
        long f32 = new FileInfo(Path.Combine(dir.File("f32"), ModelCheckpoint.WeightsFile)).Length;
        long i8 = new FileInfo(Path.Combine(dir.File("i8"), ModelCheckpoint.WeightsFile)).Length;
        Assert.True(i8 < 0.6 * f32, $"{i8} bytes against {f32}");
    }

    [Fact]
    public void A_bfloat16_checkpoint_loads_the_same_bfloat16_weights_at_half_their_bytes()
    {
        using var dir = new TemporaryDirectory();
        var model = new Seq2SeqTransformer(Config, new Rng(3));
        ModelCheckpoint.Save(dir.File("f32"), Config, model);
        ModelCheckpoint.SaveBFloat16(dir.File("bf16"), Config, model);
        var (_, loaded) = ModelCheckpoint.Load(dir.File("bf16"), new Rng(99));
        foreach (var (original, restored) in model.Modules().OfType<Linear>().Zip(loaded.Modules().OfType<Linear>()))
        {
            Assert.NotNull(restored.BFloat16Weight);
            Assert.Equal(BFloat16Matrix.Convert(original.Weight.Data, original.OutFeatures, original.InFeatures).Values, restored.BFloat16Weight!.Values);
            Assert.Null(restored.Int8Weight);
        }
        foreach (var (original, restored) in model.Modules().OfType<Embedding>().Zip(loaded.Modules().OfType<Embedding>()))
            Assert.Equal(BFloat16Matrix.Convert(original.Weight.Data, original.NumEmbeddings, original.Dim).Values, restored.BFloat16Weight!.Values);
        long f32 = new FileInfo(Path.Combine(dir.File("f32"), ModelCheckpoint.WeightsFile)).Length;
        long bf16 = new FileInfo(Path.Combine(dir.File("bf16"), ModelCheckpoint.WeightsFile)).Length;
        Assert.True(bf16 < 0.75 * f32, $"{bf16} bytes against {f32}");
    }

    [Theory]
    [InlineData("missing", "has no scale tensor")]
    [InlineData("short", "has shape [31]")]
    [InlineData("negative", "negative or non-finite scale")]
    public void A_missing_or_mismatched_scale_tensor_is_an_error_naming_the_file_and_tensor(string damage, string expected)
    {
        using var dir = new TemporaryDirectory();
        var model = new Seq2SeqTransformer(Config, new Rng(3));
        ModelCheckpoint.SaveInt8(dir.Path, Config, model);
        string weights = Path.Combine(dir.Path, ModelCheckpoint.WeightsFile);
        var writer = new SafetensorsWriter();
        using (var file = SafetensorsFile.Open(weights))
        {
            string victim = file.Names.First(n => n.EndsWith(ModelCheckpoint.Int8ScaleSuffix, StringComparison.Ordinal));
            foreach (var name in file.Names)
            {
                if (file.GetEntry(name).Dtype == SafetensorsDtype.I8)
                {
                    var (values, shape) = file.ReadInt8(name);
                    writer.AddInt8(name, values, shape);
                    continue;
                }
                var tensor = file.ReadTensor(name);
                if (name != victim) writer.Add(name, tensor);
                else if (damage == "short") writer.Add(name, Tensor.FromArray(tensor.Data.ToArray()[..^1], tensor.Length - 1));
                else if (damage == "negative") writer.Add(name, Tensor.FromArray([-1f, .. tensor.Data.ToArray()[1..]], tensor.Length));
            }
        }
        writer.Save(weights);
        var e = Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(dir.Path, new Rng(1)));
        Assert.Contains(weights, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains(ModelCheckpoint.Int8ScaleSuffix, e.Message);
    }
}

using Sharpformer.IO;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;
using Sharpformer.Tests.IO;
using Sharpformer.Training;

namespace Sharpformer.Tests.Training;

public sealed class CheckpointAveragingTests
{
    private static readonly TransformerConfig Config = new()
    {
        DModel = 8, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, DFf = 16, SourceVocab = 9, TargetVocab = 7, MaxLength = 16,
    };

    private static string Save(string root, string name, TransformerConfig config, ulong seed)
    {
        var folder = Path.Combine(root, name);
        ModelCheckpoint.Save(folder, config, new Seq2SeqTransformer(config, new Rng(seed)));
        return folder;
    }

    private static Dictionary<string, float[]> Weights(string folder)
    {
        using var file = SafetensorsFile.Open(Path.Combine(folder, ModelCheckpoint.WeightsFile));
        return file.Names.ToDictionary(n => n, n => file.ReadTensor(n).ToArray());
    }

    [Fact]
    public void The_average_of_two_checkpoints_is_their_mean_and_loads_as_a_model()
    {
        using var dir = new TemporaryDirectory();
        var a = Save(dir.Path, "a", Config, 1);
        var b = Save(dir.Path, "b", Config, 2);
        File.WriteAllText(Path.Combine(a, TranslationTraining.RecipeFile), "{}");
        var output = Path.Combine(dir.Path, "avg");
        CheckpointAveraging.Average([a, b], output);

        var (wa, wb, mean) = (Weights(a), Weights(b), Weights(output));
        Assert.Equal(wa.Keys.Order(), mean.Keys.Order());
        bool differ = false;
        foreach (var (name, values) in mean)
            for (int i = 0; i < values.Length; i++)
            {
                Assert.Equal((wa[name][i] + wb[name][i]) / 2, values[i], 1e-6f);
                differ |= wa[name][i] != wb[name][i];
            }
        Assert.True(differ, "the two checkpoints should differ for the test to mean anything");
        Assert.True(File.Exists(Path.Combine(output, TranslationTraining.RecipeFile)));
        var (config, model) = ModelCheckpoint.Load(output, new Rng(0));
        Assert.Equal(Config, config);
        Assert.IsType<Seq2SeqTransformer>(model);
    }

    [Fact]
    public void Checkpoints_of_different_architectures_are_refused_naming_the_folder()
    {
        using var dir = new TemporaryDirectory();
        var a = Save(dir.Path, "a", Config, 1);
        var wide = Save(dir.Path, "wide", Config with { DFf = 32 }, 1);
        var error = Assert.Throws<InvalidDataException>(() => CheckpointAveraging.Average([a, wide], Path.Combine(dir.Path, "avg")));
        Assert.Contains("wide", error.Message);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "avg")), "nothing is written for a refused average");
    }

    [Fact]
    public void A_run_keeps_only_its_newest_checkpoints_in_step_order()
    {
        using var dir = new TemporaryDirectory();
        foreach (long step in new long[] { 500, 1000, 1500, 10_000 })
            KeptCheckpoints.Keep(dir.Path, step, keep: 3, folder => Save(Path.GetDirectoryName(folder)!, Path.GetFileName(folder), Config, (ulong)step));
        var kept = KeptCheckpoints.List(dir.Path).Select(Path.GetFileName).ToList();
        Assert.Equal(["step-0001000", "step-0001500", "step-0010000"], kept);
        Assert.Equal(["step-0001500", "step-0010000"], CheckpointAveraging.Last(dir.Path, 2).Select(Path.GetFileName));
        var error = Assert.Throws<InvalidDataException>(() => CheckpointAveraging.Last(dir.Path, 5));
        Assert.Contains("--keep-last 5", error.Message);
    }
}

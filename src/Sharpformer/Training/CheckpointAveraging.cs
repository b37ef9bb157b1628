using Sharpformer.Decoding;
using Sharpformer.IO;
using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>
/// Checkpoint averaging (as fairseq's <c>scripts/average_checkpoints.py</c>, and Section 6.1 of the paper, which
/// averages the last 5 or 20 checkpoints): the element-wise mean of every parameter over several checkpoints of one
/// run, θ̄ = (1/N)·Σₙ θₙ, written as a model folder that loads, translates and serves like the originals.
/// </summary>
public static class CheckpointAveraging
{
    /// <summary>
    /// Averages the model folders <paramref name="inputs"/> (each with <c>config.json</c> and <c>model.safetensors</c>)
    /// into the folder <paramref name="output"/> (written whole or not at all, see <see cref="AtomicDirectory"/>), copying the first folder's tokenizers and <c>recipe.json</c> beside it. The
    /// checkpoints must share one architecture: the same configuration and the same tensor names and shapes; otherwise
    /// the exception names the first folder that differs. The mean is accumulated in double precision.
    /// </summary>
    public static void Average(IReadOnlyList<string> inputs, string output)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("Checkpoint averaging needs at least one model folder.", nameof(inputs));
        var config = ModelCheckpoint.ReadConfig(Path.Combine(inputs[0], ModelCheckpoint.ConfigFile));
        for (int i = 1; i < inputs.Count; i++)
        {
            var other = ModelCheckpoint.ReadConfig(Path.Combine(inputs[i], ModelCheckpoint.ConfigFile));
            if (!other.Equals(config))
                throw new InvalidDataException($"{inputs[i]}: its config.json describes a different architecture than {inputs[0]}'s; only checkpoints of one model can be averaged.");
        }
        var sums = new Dictionary<string, (int[] Shape, double[] Sum)>(StringComparer.Ordinal);
        for (int i = 0; i < inputs.Count; i++)
        {
            var path = Path.Combine(inputs[i], ModelCheckpoint.WeightsFile);
            using var file = SafetensorsFile.Open(path);
            if (i > 0 && (file.Names.Count != sums.Count || file.Names.Any(n => !sums.ContainsKey(n))))
                throw new InvalidDataException($"{path}: its tensor names differ from those of {inputs[0]}; only checkpoints of one model can be averaged.");
            foreach (var name in file.Names)
            {
                var tensor = file.ReadTensor(name);
                if (i == 0) sums[name] = (tensor.Shape.ToArray(), new double[tensor.Length]);
                var (shape, sum) = sums[name];
                if (!tensor.Shape.SequenceEqual(shape))
                    throw new InvalidDataException($"{path}: tensor '{name}' has shape {Shape.Format(tensor.Shape)}, but {Shape.Format(shape)} in {inputs[0]}.");
                var data = tensor.Data;
                for (int j = 0; j < sum.Length; j++) sum[j] += data[j];
            }
        }
        var writer = new SafetensorsWriter().AddMetadata("format", "sharpformer").AddMetadata("kind", config.Kind)
            .AddMetadata("averaged_checkpoints", inputs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, (shape, sum)) in sums)
        {
            var mean = Tensor.Empty(shape);
            var data = mean.Data;
            for (int j = 0; j < sum.Length; j++) data[j] = (float)(sum[j] / inputs.Count);
            writer.Add(name, mean);
        }
        AtomicDirectory.Write(output, folder =>
        {
            writer.Save(Path.Combine(folder, ModelCheckpoint.WeightsFile));
            AtomicFile.WriteAllText(Path.Combine(folder, ModelCheckpoint.ConfigFile), config.ToJson());
            foreach (var file in new[] { TranslationModel.SourceTokenizerFile, TranslationModel.TargetTokenizerFile, TranslationTraining.RecipeFile })
            {
                var source = Path.Combine(inputs[0], file);
                if (File.Exists(source)) File.Copy(source, Path.Combine(folder, file));
            }
        });
    }

    /// <summary>The newest <paramref name="count"/> checkpoints that the run in <paramref name="runDirectory"/> kept (<c>--keep-last</c>), oldest first.</summary>
    public static IReadOnlyList<string> Last(string runDirectory, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var kept = KeptCheckpoints.List(runDirectory);
        if (kept.Count < count)
            throw new InvalidDataException(
                $"{runDirectory}: {kept.Count} kept checkpoints in {KeptCheckpoints.FolderName}/, fewer than the {count} asked for (train with --keep-last {count}).");
        return kept.Skip(kept.Count - count).ToList();
    }
}

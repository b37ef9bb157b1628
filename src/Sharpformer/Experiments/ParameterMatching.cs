using Sharpformer.NN;
using Sharpformer.Tensors;
using Sharpformer.Training;

namespace Sharpformer.Experiments;

/// <summary>
/// Sizes recurrent models to the Transformer's parameter count, so that a comparison between architectures is not a
/// comparison between model sizes: each recurrent architecture gets the hidden size whose model comes closest.
/// </summary>
public static class ParameterMatching
{
    /// <summary>
    /// The recipe of <paramref name="arch"/> for the vocabulary sizes: the base recipe itself for "transformer", else
    /// its recurrent shape with the hidden size (a multiple of 4) whose parameter count is nearest the Transformer's.
    /// </summary>
    public static (TrainingRecipe Recipe, long Parameters) Match(TrainingRecipe baseRecipe, string arch, int sourceVocab, int targetVocab)
    {
        long Count(TrainingRecipe r) => ((Module)TranslationTraining.BuildModel(r, sourceVocab, targetVocab, new Rng(0)).Network).ParameterCount;
        long target = Count(baseRecipe with { Arch = "transformer" });
        if (arch == "transformer") return (baseRecipe with { Arch = arch }, target);
        TrainingRecipe WithHidden(int h) => baseRecipe with { Arch = arch, Recurrent = baseRecipe.Recurrent with { HiddenSize = h } };
        int low = 1, high = 1024;                   // hidden = 4·i; the count grows with the hidden size
        while (low < high)
        {
            int mid = (low + high) / 2;
            if (Count(WithHidden(4 * mid)) < target) low = mid + 1; else high = mid;
        }
        var candidates = new[] { Math.Max(1, low - 1), low }.Select(i => WithHidden(4 * i)).Select(r => (Recipe: r, Parameters: Count(r)));
        return candidates.MinBy(c => Math.Abs(c.Parameters - target));
    }
}

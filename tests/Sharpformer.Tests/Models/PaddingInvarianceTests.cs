using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Models.Transformer;
using Sharpformer.Tasks;
using Sharpformer.Tensors;
using Sharpformer.Training;

namespace Sharpformer.Tests.Models;

/// <summary>
/// The padding masks on real g2p batches (the g2p diagnosis of docs/g2p.md): a word's outputs must not depend on the
/// other, longer words of its batch — neither the encoder memory at its own positions (encoder self-attention's key
/// mask), nor the decoder logits at its own target positions (the causal + key mask of decoder self-attention and the
/// memory mask of cross-attention) — and the loss must be that of the real tokens alone.
/// </summary>
public sealed class PaddingInvarianceTests
{
    [Fact]
    public void A_word_gives_the_same_memory_logits_and_loss_alone_and_inside_a_padded_g2p_batch()
    {
        var pairs = BuiltinTasks.Get("g2p").Generate(TaskSplit.Dev, 200, seed: 1).Select(p => new SentencePair(p.Source, p.Target)).ToList();
        var recipe = GraphemeToPhonemeRecipe.For("transformer");
        var (sourceTokenizer, targetTokenizer) = TranslationTraining.BuildTokenizers(recipe, pairs);
        var examples = pairs.Select(p => Example.Encode(p, sourceTokenizer, targetTokenizer)).ToList();
        // one short word and several clearly longer ones, so the short one is padded on both sides
        int shortest = Enumerable.Range(0, examples.Count).MinBy(i => examples[i].Source.Length + examples[i].Target.Length);
        var longer = Enumerable.Range(0, examples.Count).Where(i => examples[i].Source.Length >= examples[shortest].Source.Length + 3
            && examples[i].Target.Length >= examples[shortest].Target.Length + 3).Take(5).ToList();
        Assert.NotEmpty(longer);
        var model = new Seq2SeqTransformer(recipe.Model with
        {
            DModel = 32, Heads = 4, DFf = 64, Dropout = 0f, SourceVocab = sourceTokenizer.VocabSize, TargetVocab = targetTokenizer.VocabSize,
        }, new Rng(7));
        model.Eval();
        using var _ = GradMode.NoGrad();

        var alone = Batch.Collate(examples, [shortest]);
        var batch = Batch.Collate(examples, [.. longer, shortest]);
        int row = longer.Count;
        Assert.True(batch.Source.Shape[1] > alone.Source.Shape[1] && batch.TargetInput.Shape[1] > alone.TargetInput.Shape[1]);

        var (memoryAlone, _) = model.Encode(alone.Source);
        var (memoryBatch, _) = model.Encode(batch.Source);
        int s = alone.Source.Shape[1], d = 32;
        for (int i = 0; i < s * d; i++)
            Assert.Equal(memoryAlone.Data[i], memoryBatch.Data[row * batch.Source.Shape[1] * d + i], 1e-4f);

        var logitsAlone = model.Forward(alone.Source, alone.TargetInput);
        var logitsBatch = model.Forward(batch.Source, batch.TargetInput);
        int t = alone.TargetInput.Shape[1], v = targetTokenizer.VocabSize;
        for (int i = 0; i < t * v; i++)
            Assert.Equal(logitsAlone.Data[i], logitsBatch.Data[row * batch.TargetInput.Shape[1] * v + i], 1e-4f);

        var rowOnly = new IntTensor(batch.TargetOutput.Data.ToArray().Select((id, i) => i / batch.TargetOutput.Shape[1] == row ? id : SpecialTokens.Pad).ToArray(),
            batch.TargetOutput.Shape[0], batch.TargetOutput.Shape[1]);
        Assert.Equal(model.Loss(logitsAlone, alone.TargetOutput).Item(), model.Loss(logitsBatch, rowOnly).Item(), 1e-5f);
    }
}

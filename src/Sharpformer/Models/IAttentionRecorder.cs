using Sharpformer.Tensors;

namespace Sharpformer.Models;

/// <summary>Which sequence the queries or keys of a recorded attention run over.</summary>
public enum AttentionSide
{
    /// <summary>The source tokens followed by &lt;eos&gt;.</summary>
    Source,

    /// <summary>The decoder input: &lt;bos&gt; followed by the output tokens.</summary>
    Target,
}

/// <summary>
/// One attention distribution a model used: the group it belongs to (e.g. "Encoder self-attention"), its own name
/// (e.g. "Encoder layer 1"), what its queries and keys run over, and its weights [1, heads, queries, keys].
/// </summary>
public sealed record RecordedAttention(string Group, string Name, AttentionSide Queries, AttentionSide Keys, Tensor Weights);

/// <summary>
/// A model that can show its attention: a teacher-forced pass over one sentence that returns every attention
/// distribution it used, in its own order (layer by layer, group by group). Models without attention return none.
/// </summary>
public interface IAttentionRecorder
{
    /// <summary>The attention of a pass over source ids [1, S] and decoder input ids [1, T].</summary>
    IReadOnlyList<RecordedAttention> RecordAttention(IntTensor source, IntTensor decoderInput);
}

using Sharpformer.Autograd;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.NN.Recurrent;
using Sharpformer.Tensors;

namespace Sharpformer.Experiments;

/// <summary>
/// The single layers the timing experiments compare, each a function of a sequence [B, n, d] to n·d outputs per row: the
/// recurrent layers of Section 4's comparison and the Transformer's self-attention (alone, as a whole multi-head
/// layer, or as a whole encoder layer of Section 3.1).
/// </summary>
public sealed class SequenceLayer
{
    private readonly Func<Tensor, Tensor> _forward;

    private SequenceLayer(string name, Module module, Func<Tensor, Tensor> forward)
    {
        Name = name;
        Module = module;
        _forward = forward;
    }

    /// <summary>The layer's name in CSV files and legends.</summary>
    public string Name { get; }

    /// <summary>The parameters' owner.</summary>
    public Module Module { get; }

    /// <summary>Runs the layer on <paramref name="x"/> [B, n, d].</summary>
    public Tensor Forward(Tensor x) => _forward(x);

    /// <summary>One forward+backward pass on <paramref name="x"/> [B, n, d] with the mean of the outputs as the loss; the tensors are freed after it.</summary>
    public void ForwardBackward(Tensor x)
    {
        using var scope = new TensorScope();
        Forward(x).Mean().Backward();
    }

    /// <summary>One LSTM layer, hidden size d.</summary>
    public static SequenceLayer Lstm(int d, Rng rng)
    {
        var layer = new Lstm(d, d, rng);
        return new SequenceLayer("lstm", layer, x => layer.Forward(x).Output);
    }

    /// <summary>One GRU layer, hidden size d.</summary>
    public static SequenceLayer Gru(int d, Rng rng)
    {
        var layer = new Gru(d, d, rng);
        return new SequenceLayer("gru", layer, x => layer.Forward(x).Output);
    }

    /// <summary>One post-norm Transformer encoder layer (self-attention + feed-forward, no dropout).</summary>
    public static SequenceLayer TransformerEncoder(int d, int heads, int dFf, Rng rng)
    {
        var layer = new EncoderLayer(new TransformerConfig { DModel = d, Heads = heads, DFf = dFf, Dropout = 0f }, rng);
        return new SequenceLayer("transformer-encoder", layer, x => layer.Forward(x, null));
    }

    /// <summary>Multi-head self-attention with its four d×d projections (Section 3.2.2).</summary>
    public static SequenceLayer SelfAttention(int d, int heads, Rng rng)
    {
        var layer = new MultiHeadAttention(d, heads, 0f, rng);
        return new SequenceLayer("self-attention", layer, x => layer.Forward(x, x, x));
    }

    /// <summary>
    /// Scaled dot-product attention alone, softmax(QKᵀ/√d_k)V with Q = K = V = x split into heads: the n²·d term of
    /// Table 1 without the projections' n·d².
    /// </summary>
    public static SequenceLayer AttentionCore(int d, int heads, Rng rng)
    {
        var layer = new ScaledDotProductAttention(0f, rng);
        return new SequenceLayer("attention-core", layer, x =>
        {
            var h = x.Reshape(x.Size(0), x.Size(1), heads, d / heads).Permute(0, 2, 1, 3);
            return layer.Forward(h, h, h, null).Output;
        });
    }
}

using Sharpformer.Models;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>
/// A network that holds every decoding at its start until the test opens the gate, so that a test can know the decoding
/// thread is busy and other requests are waiting. Everything else is the wrapped network's.
/// </summary>
internal sealed class GatedNetwork : Module, ISeq2SeqModel
{
    private readonly ISeq2SeqModel _inner;
    private readonly ManualResetEventSlim _gate = new(false);

    public GatedNetwork(Module inner)
    {
        _inner = (ISeq2SeqModel)RegisterModule("inner", inner);
    }

    private int _starts;

    /// <summary>How many decodings have started (reached the gate).</summary>
    public int Starts => Volatile.Read(ref _starts);

    /// <summary>Set once a decoding has reached the gate.</summary>
    public ManualResetEventSlim Entered { get; } = new(false);

    /// <summary>Lets the held decoding and all later ones through.</summary>
    public void Open() => _gate.Set();

    public IDecoderState Start(IntTensor source)
    {
        Interlocked.Increment(ref _starts);
        Entered.Set();
        _gate.Wait();
        return _inner.Start(source);
    }

    public Tensor Step(IDecoderState state, IntTensor previousTokens) => _inner.Step(state, previousTokens);

    public Tensor Forward(IntTensor source, IntTensor target) => _inner.Forward(source, target);

    public Tensor Loss(Tensor logits, IntTensor labels, float labelSmoothing = 0f) => _inner.Loss(logits, labels, labelSmoothing);
}

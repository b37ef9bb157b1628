using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models;

/// <summary>
/// Several trained models that share source and target vocabularies, used as one: at every position (teacher-forced
/// <see cref="Forward"/> and every search <see cref="Step"/>) the output is the mean of the members' next-token
/// log-probabilities, log p(y) = (1/N)·Σₙ log pₙ(y), which the loss and the search renormalise with their log-softmax
/// (a product of experts; an ensemble of one model with itself is that model). Decoding state is one state per member,
/// reordered together, so greedy and beam search run on an ensemble unchanged.
/// </summary>
public sealed class Ensemble : Module, ISeq2SeqModel
{
    private readonly ISeq2SeqModel[] _members;

    /// <summary>Combines <paramref name="members"/> (at least one); they must have the same target vocabulary size.</summary>
    public Ensemble(IReadOnlyList<ISeq2SeqModel> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("An ensemble needs at least one model.", nameof(members));
        _members = [.. members];
        for (int i = 0; i < _members.Length; i++)
            RegisterModule($"member{i}", (Module)_members[i]);
    }

    /// <summary>The combined models.</summary>
    public IReadOnlyList<ISeq2SeqModel> Members => _members;

    /// <summary>Mean log-probabilities [B, T, V] of the members for source ids [B, S] and decoder input ids [B, T].</summary>
    public Tensor Forward(IntTensor source, IntTensor target) => Mean(m => m.Forward(source, target));

    /// <inheritdoc />
    public Tensor Loss(Tensor logits, IntTensor labels, float labelSmoothing = 0f) => _members[0].Loss(logits, labels, labelSmoothing);

    /// <inheritdoc />
    public IDecoderState Start(IntTensor source) => new EnsembleState([.. _members.Select(m => m.Start(source))]);

    /// <summary>Mean next-token log-probabilities [N, V] of the members, each advanced by one step.</summary>
    public Tensor Step(IDecoderState state, IntTensor previousTokens)
    {
        var states = ((EnsembleState)state).Members;
        int member = 0;
        return Mean(m => m.Step(states[member++], previousTokens));
    }

    private Tensor Mean(Func<ISeq2SeqModel, Tensor> logitsOf)
    {
        if (_members.Length == 1) return Ops.LogSoftmax(logitsOf(_members[0]));
        Tensor? sum = null;
        foreach (var m in _members)
        {
            var logProbs = Ops.LogSoftmax(logitsOf(m));
            sum = sum is null ? logProbs : sum.Add(logProbs);
        }
        return sum!.Mul(1f / _members.Length);
    }

    private sealed class EnsembleState(IDecoderState[] members) : IDecoderState
    {
        public IDecoderState[] Members { get; } = members;

        public int Rows => Members[0].Rows;

        public void Reorder(IntTensor rows)
        {
            foreach (var state in Members) state.Reorder(rows);
        }
    }
}

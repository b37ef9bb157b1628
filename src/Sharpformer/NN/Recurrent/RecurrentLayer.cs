using Sharpformer.Autograd;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.NN.Recurrent;

/// <summary>
/// What <see cref="ElmanRnn"/>, <see cref="Lstm"/> and <see cref="Gru"/> share — PyTorch's <c>nn.RNNBase</c> with
/// <c>batch_first=True</c>: a stack of layers, each optionally bidirectional, with inter-layer dropout; only the cell
/// equations differ. The input projections x_t W_ihᵀ + b_ih of all time steps are one GEMM per layer and direction; the
/// time loop — per step one GEMM h_{t−1} W_hhᵀ for all G gates and one fused pass of the cell equations — is a single
/// differentiable operation, <see cref="Ops.Recurrence"/>. Parameters have PyTorch's names and layout
/// (<c>weight_ih_l{k}</c> [G·H, I_k], <c>weight_hh_l{k}</c> [G·H, H], <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>, suffix
/// <c>_reverse</c> for the backward direction; I_k = H·directions for k &gt; 0), so PyTorch state dicts load by name.
/// </summary>
public abstract class RecurrentLayer : Module
{
    private readonly Tensor[] _weightIh, _weightHh;

    // W_hh of each layer and direction in panels (single decoding steps of a few rows) and W_hhᵀ packed (the other
    // products of up to PackedMatrix.MaxRows rows), once converted for inference.
    private readonly PanelMatrix?[] _hiddenPanels;
    private readonly PackedMatrix?[] _hiddenPacked;
    private readonly Tensor?[] _biasIh, _biasHh;
    private readonly InferenceWeight[] _inputProjections;
    private readonly Rng _rng;

    /// <summary>
    /// Creates the parameters, each drawn U(−1/√H, 1/√H) from <paramref name="rng"/> in PyTorch's order; the same
    /// <paramref name="rng"/> later draws the dropout masks.
    /// </summary>
    private protected RecurrentLayer(int gates, int inputSize, int hiddenSize, Rng rng, int numLayers, bool bidirectional, float dropout, bool bias)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
            throw new ArgumentOutOfRangeException(inputSize <= 0 ? nameof(inputSize) : hiddenSize <= 0 ? nameof(hiddenSize) : nameof(numLayers),
                $"{GetType().Name}: input size {inputSize}, hidden size {hiddenSize} and number of layers {numLayers} must all be positive.");
        if (dropout is < 0f or >= 1f)
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"{GetType().Name}: dropout must be in [0, 1).");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bidirectional = bidirectional;
        Dropout = dropout;
        _rng = rng;
        int count = numLayers * Directions;
        (_weightIh, _weightHh, _biasIh, _biasHh) = (new Tensor[count], new Tensor[count], new Tensor?[count], new Tensor?[count]);
        _inputProjections = new InferenceWeight[count];
        _hiddenPanels = new PanelMatrix?[count];
        _hiddenPacked = new PackedMatrix?[count];
        float bound = 1f / MathF.Sqrt(hiddenSize);
        Tensor Parameter(string name, params int[] shape) => RegisterParameter(name, Tensor.Uniform(rng, -bound, bound, shape));
        for (int layer = 0; layer < numLayers; layer++)
            for (int direction = 0; direction < Directions; direction++)
            {
                int index = layer * Directions + direction;
                string suffix = $"_l{layer}" + (direction == 1 ? "_reverse" : "");
                _weightIh[index] = Parameter("weight_ih" + suffix, gates * hiddenSize, layer == 0 ? inputSize : hiddenSize * Directions);
                _inputProjections[index] = new InferenceWeight(_weightIh[index]);
                _weightHh[index] = Parameter("weight_hh" + suffix, gates * hiddenSize, hiddenSize);
                if (!bias) continue;
                _biasIh[index] = Parameter("bias_ih" + suffix, gates * hiddenSize);
                _biasHh[index] = Parameter("bias_hh" + suffix, gates * hiddenSize);
            }
    }

    /// <summary>Features per time step of the input, I.</summary>
    public int InputSize { get; }

    /// <summary>Features of the hidden state, H.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>Whether each layer also runs a second direction from the last step to the first.</summary>
    public bool Bidirectional { get; }

    /// <summary>1, or 2 when bidirectional: outputs have H·directions features.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Dropout probability on the outputs of every layer but the last, in training mode only.</summary>
    public float Dropout { get; }

    /// <summary>The cell equations of every time step.</summary>
    private protected abstract RecurrentCellKind CellKind { get; }

    /// <summary>True for the LSTM, whose state also holds the cell state c.</summary>
    private bool HasCellState => CellKind == RecurrentCellKind.Lstm;

    /// <summary>
    /// Runs the stack over <paramref name="x"/> [B, T, I] from <paramref name="initial"/> (zeros when null) and returns the
    /// last layer's outputs [B, T, H·directions] (forward and backward halves concatenated) and the final state
    /// [layers·directions, B, H]. Right-padded rows may give their <paramref name="lengths"/>: from step length on a row's
    /// output is zero and its state is carried unchanged, and the backward direction starts at step length − 1, so the
    /// final state is the state at the last real token, as with PyTorch's packed sequences.
    /// </summary>
    public (Tensor Output, RecurrentState Final) Forward(Tensor x, RecurrentState? initial = null, int[]? lengths = null)
    {
        if (x.Rank != 3 || x.Size(2) != InputSize || x.Size(1) == 0)
            throw new ArgumentException($"{this}: input of shape {Shape.Format(x.Shape)} must be [B, T, {InputSize}] with T ≥ 1.", nameof(x));
        int batch = x.Size(0), steps = x.Size(1);
        var states = SplitState(initial, batch);
        CheckLengths(lengths, batch, steps);
        var input = x;
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var outputs = new Tensor[Directions];
            for (int direction = 0; direction < Directions; direction++)
            {
                int index = layer * Directions + direction;
                (outputs[direction], states[index]) = Run(index, Project(input, index), states[index], direction == 1, lengths);
            }
            input = Directions == 1 ? outputs[0] : Ops.Concat(outputs, 2);
            if (layer < NumLayers - 1) input = input.Dropout(Dropout, _rng, IsTraining);
        }
        return (input, JoinState(states));
    }

    /// <summary>
    /// One time step of a unidirectional stack for incremental decoding: x_t [B, I] and the previous state (zeros when
    /// null) give the last layer's h_t [B, H] and the new state; stepping through a sequence reproduces
    /// <see cref="Forward"/>.
    /// </summary>
    public (Tensor Output, RecurrentState State) Step(Tensor x, RecurrentState? state = null)
    {
        if (Bidirectional)
            throw new InvalidOperationException($"{this}: Step needs a unidirectional stack; a bidirectional one must see the whole sequence (use Forward).");
        if (x.Rank != 2 || x.Size(1) != InputSize)
            throw new ArgumentException($"{this}: step input of shape {Shape.Format(x.Shape)} must be [B, {InputSize}].", nameof(x));
        var states = SplitState(state, x.Size(0));
        var input = x;
        int batch = x.Size(0);
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var gates = Project(input, layer);
            (_, states[layer]) = Run(layer, gates.Reshape(batch, 1, gates.Size(1)), states[layer], reverse: false, lengths: null);
            input = layer < NumLayers - 1 ? states[layer].H.Dropout(Dropout, _rng, IsTraining) : states[layer].H;
        }
        return (input, JoinState(states));
    }

    /// <summary>The layer's hyper-parameters, as in its error messages, e.g. "Lstm(input 3, hidden 5, 2 layers, bidirectional)".</summary>
    public override string ToString() =>
        $"{GetType().Name}(input {InputSize}, hidden {HiddenSize}, {NumLayers} layer{(NumLayers == 1 ? "" : "s")}{(Bidirectional ? ", bidirectional" : "")})";

    /// <summary>
    /// Converts the input projections x W_ihᵀ of every layer and direction for inference in <paramref name="type"/>, as
    /// <see cref="Linear.Convert"/> does for a linear layer: int8 or bfloat16 (no gradient from then on), or float32 with a
    /// copy in panels for the products of a few rows (a decoder step). The recurrent products h W_hhᵀ stay float32 in
    /// every type — they run inside the fused time loop of <see cref="Ops.Recurrence"/>, where int8 would quantize the
    /// state at every step — but get a copy in panels for single steps of a few rows and one packed for the GEMM
    /// micro-kernel (where the CPU has one) for the other products of up to <see cref="PackedMatrix.MaxRows"/> rows, so no
    /// step re-packs W_hh. The copies serve only forward passes that record no gradient; they are not updated if the
    /// weights change afterwards.
    /// </summary>
    public void ConvertForInference(ComputeType type)
    {
        foreach (var projection in _inputProjections) projection.Convert(type);
        for (int i = 0; i < _weightHh.Length; i++)
        {
            var weight = _weightHh[i];
            _hiddenPanels[i] = PanelMatrix.Pack(weight.Data, weight.Size(0), weight.Size(1));
            _hiddenPacked[i] = PackedMatrix.IsSupported ? PackedMatrix.ForWeight(weight.Data, weight.Size(0), weight.Size(1)) : null;
        }
    }

    /// <summary>x W_ihᵀ + b_ih for all leading positions of <paramref name="input"/> at once: [.., I_k] → [.., G·H].</summary>
    private Tensor Project(Tensor input, int index) => _inputProjections[index].Apply(input, _biasIh[index]);

    /// <summary>
    /// The time loop of one layer and direction over projected inputs [B, T, G·H]: outputs [B, T, H] (zero past a row's
    /// length) and the final state (at each row's last real step).
    /// </summary>
    private (Tensor Output, CellState Final) Run(int index, Tensor gates, CellState state, bool reverse, int[]? lengths)
    {
        bool recording = GradMode.IsEnabled && (gates.RequiresGrad || _weightHh[index].RequiresGrad || state.H.RequiresGrad);
        var all = recording
            ? gates.Recurrence(_weightHh[index], _biasHh[index], state.H, state.C, CellKind, lengths, reverse)
            : gates.Recurrence(_weightHh[index], _biasHh[index], state.H, state.C, CellKind, lengths, reverse, _hiddenPanels[index], _hiddenPacked[index]);
        var final = all.RecurrenceFinalState(state.H, state.C, lengths, reverse);
        if (!HasCellState) return (all, new CellState(final, null));
        return (all.Narrow(-1, 0, HiddenSize), new CellState(final.Narrow(-1, 0, HiddenSize), final.Narrow(-1, HiddenSize, HiddenSize)));
    }

    /// <summary>Checks right-padding lengths: one per row, each in [0, steps] (null means every row is full length).</summary>
    private void CheckLengths(int[]? lengths, int batch, int steps)
    {
        if (lengths is null) return;
        if (lengths.Length != batch)
            throw new ArgumentException($"{this}: {lengths.Length} lengths given for a batch of {batch} sequences.", nameof(lengths));
        for (int b = 0; b < batch; b++)
            if (lengths[b] < 0 || lengths[b] > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths),
                    $"{this}: length {lengths[b]} of sequence {b} is outside [0, {steps}] (the input has {steps} time steps).");
    }

    /// <summary>Splits a [layers·directions, B, H] state into one <see cref="CellState"/> per layer and direction.</summary>
    private CellState[] SplitState(RecurrentState? state, int batch)
    {
        var states = new CellState[NumLayers * Directions];
        if (state is null)
        {
            var zeros = Tensor.Zeros(batch, HiddenSize);
            Array.Fill(states, new CellState(zeros, HasCellState ? zeros : null));
            return states;
        }
        int[] expected = [states.Length, batch, HiddenSize];
        if (!Shape.Equal(state.Hidden.Shape, expected))
            throw new ArgumentException(
                $"{this}: state of shape {Shape.Format(state.Hidden.Shape)} must be {Shape.Format(expected)} (layers·directions, B, H).", nameof(state));
        if (HasCellState != state.Cell is not null)
            throw new ArgumentException($"{this}: the state {(HasCellState ? "lacks the cell state c an LSTM needs" : "has a cell state, which only an LSTM uses")}.", nameof(state));
        for (int i = 0; i < states.Length; i++)
            states[i] = new CellState(Slice(state.Hidden, i), state.Cell is null ? null : Slice(state.Cell, i));
        return states;
    }

    private static Tensor Slice(Tensor stacked, int index) => stacked.Narrow(0, index, 1).Reshape(stacked.Size(1), stacked.Size(2));

    /// <summary>Stacks per-layer-direction states into PyTorch's [layers·directions, B, H] layout.</summary>
    private static RecurrentState JoinState(CellState[] states)
    {
        static Tensor Stack(IEnumerable<Tensor> parts) => Ops.Concat(parts.Select(p => p.Unsqueeze(0)).ToArray(), 0);
        return new RecurrentState(Stack(states.Select(s => s.H)), states[0].C is null ? null : Stack(states.Select(s => s.C!)));
    }
}

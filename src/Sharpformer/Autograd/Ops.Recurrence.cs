using System.Buffers;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// A whole recurrent layer-direction as one differentiable operation (backpropagation through time in one backward
    /// rule): from the input gates x_t W_ihᵀ + b_ih of every step [B, T, G·H], the recurrent weight W_hh [G·H, H] and bias
    /// b_hh [G·H] (or null), and the initial state h0 (and c0 for the LSTM) [B, H], returns every step's state
    /// [B, T, S·H] — h, followed by c for the LSTM (S = 2). Each step costs one GEMM h_{t−1} W_hhᵀ and one fused pass of
    /// the cell equations (<see cref="RecurrentCellKernel"/>); the backward pass one GEMM per step for dL/dh_{t−1} and a
    /// single GEMM for dL/dW_hh over all steps. The steps stay dependent: the node counts 2T sequential stages for
    /// <see cref="GraphDepth"/>. With <paramref name="reverse"/> the steps run from last to first. Rows
    /// may stop early at their <paramref name="lengths"/>: from step length on a row's state is carried unchanged and its
    /// entries of the result are zero (PyTorch's packed sequences); the last state of each row is
    /// <see cref="RecurrenceFinalState"/>. <paramref name="weightHhPanels"/>, a copy of W_hh in panels
    /// (<see cref="PanelMatrix"/>), multiplies every step of up to <see cref="PanelGemv.MaxRows"/> rows (incremental
    /// decoding, or a sentence encoded alone) in place of W_hh as stored; <paramref name="weightHhPacked"/>, W_hhᵀ packed once
    /// (<see cref="PackedMatrix.ForWeight"/>), the steps of up to <see cref="PackedMatrix.MaxRows"/> rows that the panels
    /// do not take, in place of a copy packed for this call. Both copies are for inference: the caller passes them only
    /// when no gradient is recorded, and they must hold W_hh's current values.
    /// </summary>
    public static Tensor Recurrence(this Tensor inputGates, Tensor weightHh, Tensor? biasHh, Tensor h0, Tensor? c0,
        RecurrentCellKind kind, int[]? lengths = null, bool reverse = false, PanelMatrix? weightHhPanels = null, PackedMatrix? weightHhPacked = null)
    {
        int gates = RecurrentCellKernel.Gates(kind), hidden = weightHh.Size(1), width = gates * hidden;
        bool lstm = kind == RecurrentCellKind.Lstm;
        if (inputGates.Rank != 3 || inputGates.Size(2) != width || weightHh.Size(0) != width || h0.Rank != 2
            || h0.Size(0) != inputGates.Size(0) || h0.Size(1) != hidden || (biasHh is not null && biasHh.Length != width)
            || lstm != c0 is not null || (c0 is not null && !Shape.Equal(c0.Shape, h0.Shape)))
            throw new ArgumentException(
                $"Recurrence ({kind}): input gates {Shape.Format(inputGates.Shape)}, W_hh {Shape.Format(weightHh.Shape)}, " +
                $"h0 {Shape.Format(h0.Shape)}{(c0 is null ? "" : $", c0 {Shape.Format(c0.Shape)}")} do not fit [B, T, G·H], [G·H, H], [B, H] with G = {gates}.");
        int[] length = lengths ?? [.. Enumerable.Repeat(inputGates.Size(1), inputGates.Size(0))];
        if (weightHhPanels is not null && (weightHhPanels.Rows != width || weightHhPanels.Columns != hidden))
            throw new ArgumentException($"Recurrence ({kind}): W_hh panels [{weightHhPanels.Rows}, {weightHhPanels.Columns}] do not match W_hh {Shape.Format(weightHh.Shape)}.", nameof(weightHhPanels));
        if (weightHhPacked is not null && (weightHhPacked.N != width || weightHhPacked.K != hidden))
            throw new ArgumentException($"Recurrence ({kind}): packed W_hhᵀ [{weightHhPacked.K}, {weightHhPacked.N}] does not match W_hh {Shape.Format(weightHh.Shape)}.", nameof(weightHhPacked));
        Tensor[] inputs = [inputGates, weightHh, .. biasHh is null ? Array.Empty<Tensor>() : [biasHh], h0, .. c0 is null ? Array.Empty<Tensor>() : [c0]];
        bool recorded = GradMode.IsEnabled && inputs.Any(t => t.RequiresGrad);
        var forward = RecurrenceForward(inputGates, weightHh, biasHh, h0, c0, kind, length, reverse, weightHhPanels, weightHhPacked, recorded);
        return Tape.Record(forward.States, "Recurrence", inputs, o => RecurrenceBackward(forward, o.Grad!.Data, inputGates, weightHh, biasHh, h0, c0),
            sequentialSteps: 2 * forward.Steps); // per step a GEMM h W_hhᵀ, then the cell update that needs it
    }

    /// <summary>
    /// What the forward pass of a <see cref="Recurrence"/> leaves for its backward pass: every step's state [B, T, S·H]
    /// (the result) and the cell's saved activations [B, T, W·H] (<see cref="RecurrentCellKernel.SavedWidth"/>). Without
    /// a backward pass (inference) the activations are not kept: <see cref="Saved"/> is one row of scratch [1, 1, W·H]
    /// that every step overwrites.
    /// </summary>
    private sealed record RecurrenceState(RecurrentCellKind Kind, int Batch, int Steps, int Hidden, int[] Lengths, bool Reverse, Tensor States, Tensor Saved)
    {
        /// <summary>The saved activations of row b·T + t (the scratch row when they are not kept).</summary>
        public Span<float> SavedRow(int row) => Saved.Data.Slice(Saved.Length == SavedWidth ? 0 : row * SavedWidth, SavedWidth);

        public bool Lstm => Kind == RecurrentCellKind.Lstm;

        public int GateWidth => RecurrentCellKernel.Gates(Kind) * Hidden;

        public int StateWidth => Lstm ? 2 * Hidden : Hidden;

        public int SavedWidth => RecurrentCellKernel.SavedWidth(Kind) * Hidden;
    }

    /// <summary>
    /// The forward pass: per step one GEMM h_{t−1} W_hhᵀ (+ b_hh) for all rows, then the fused cell update of each active
    /// row; the cell activations are kept for the backward pass only when <paramref name="keepSaved"/>.
    /// </summary>
    private static RecurrenceState RecurrenceForward(Tensor inputGates, Tensor weightHh, Tensor? biasHh, Tensor h0, Tensor? c0,
        RecurrentCellKind kind, int[] length, bool reverse, PanelMatrix? weightHhPanels, PackedMatrix? weightHhPacked, bool keepSaved)
    {
        int batch = inputGates.Size(0), steps = inputGates.Size(1), hidden = weightHh.Size(1);
        int savedWidth = RecurrentCellKernel.SavedWidth(kind) * hidden, stateWidth = kind == RecurrentCellKind.Lstm ? 2 * hidden : hidden;
        var r = new RecurrenceState(kind, batch, steps, hidden, length, reverse,
            Tensor.Empty([batch, steps, stateWidth]), keepSaved ? Tensor.Empty([batch, steps, savedWidth]) : Tensor.Empty([1, 1, savedWidth]));
        int width = r.GateWidth;
        var h = RentScratch(batch * hidden);
        var c = r.Lstm ? RentScratch(batch * hidden) : [];
        var hiddenGates = RentScratch(batch * width);
        try
        {
            h0.Data.CopyTo(h);
            c0?.Data.CopyTo(c);
            RunSteps(r, inputGates, weightHh, biasHh, length, weightHhPanels, weightHhPacked, h, c, hiddenGates);
        }
        finally
        {
            ReturnScratch(h, batch * hidden);
            if (r.Lstm) ReturnScratch(c, batch * hidden);
            ReturnScratch(hiddenGates, batch * width);
        }
        return r;
    }

    /// <summary>Scratch of this many floats or more comes from the array pool: a fresh array would land on the large-object heap.</summary>
    private const int PooledScratchFloats = 85_000 / sizeof(float);

    // Scratch for the time loop, which a decoding step runs once per layer: pooled where a fresh array would be a
    // large-object allocation (a 32-row GRU's gate buffer is 96 KB), fresh below that, which measured faster at batch 1.
    private static float[] RentScratch(int floats) => floats >= PooledScratchFloats ? ArrayPool<float>.Shared.Rent(floats) : new float[floats];

    private static void ReturnScratch(float[] scratch, int floats)
    {
        if (floats >= PooledScratchFloats) ArrayPool<float>.Shared.Return(scratch);
    }

    /// <summary>The time loop of <see cref="RecurrenceForward"/> on its scratch state h (and c) and gate buffer.</summary>
    private static void RunSteps(RecurrenceState r, Tensor inputGates, Tensor weightHh, Tensor? biasHh, int[] length,
        PanelMatrix? weightHhPanels, PackedMatrix? weightHhPacked, float[] h, float[] c, float[] hiddenGates)
    {
        int batch = r.Batch, steps = r.Steps, hidden = r.Hidden, width = r.GateWidth, stateWidth = r.StateWidth;
        var (kind, reverse) = (r.Kind, r.Reverse);
        // Packing W_hh pays off over many steps; the copies the caller keeps (panels for a few rows, whatever the number
        // of steps — each step is a matrix-vector product —, packed for more) serve directly, as does the stored weight
        // for a single step.
        var panels = batch <= PanelGemv.MaxRows ? weightHhPanels : null;
        var kept = panels is null && batch <= PackedMatrix.MaxRows ? weightHhPacked : null;
        using var packedWeight = steps > 1 && panels is null && kept is null ? PackedWeight(weightHh, transpose: true) : null;
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            RecurrentGates(h, packedWeight ?? kept, panels, weightHh, biasHh, hiddenGates, batch);
            for (int b = 0; b < batch; b++)
            {
                int row = (b * steps) + t;
                var stateRow = r.States.Data.Slice(row * stateWidth, stateWidth);
                if (t >= length[b])
                {
                    stateRow.Clear();
                    continue;
                }
                var hRow = h.AsSpan(b * hidden, hidden);
                var cRow = r.Lstm ? c.AsSpan(b * hidden, hidden) : default;
                RecurrentCellKernel.Forward(kind, inputGates.Data.Slice(row * width, width), hiddenGates.AsSpan(b * width, width),
                    hRow, cRow, r.SavedRow(row));
                hRow.CopyTo(stateRow);
                if (r.Lstm) cRow.CopyTo(stateRow[hidden..]);
            }
        }
    }

    /// <summary>
    /// The backward pass (backpropagation through time): from the last step to the first, the cell's backward for each
    /// active row gives dL/dgates, and one GEMM dgates_t W_hh gives dL/dh_{t−1}; then one GEMM over all steps gives
    /// dL/dW_hh and a column sum dL/db_hh.
    /// </summary>
    private static void RecurrenceBackward(RecurrenceState r, ReadOnlySpan<float> dStates, Tensor inputGates, Tensor weightHh, Tensor? biasHh,
        Tensor h0, Tensor? c0)
    {
        int batch = r.Batch, steps = r.Steps, hidden = r.Hidden, width = r.GateWidth;
        // The input gates' gradient is written in place when it is the first to arrive; the recurrent gates' gradient
        // is the same numbers except for the GRU's n block, so it shares the buffer otherwise.
        bool accumulateInput = false;
        var dInput = inputGates.RequiresGrad ? Tape.GradSpan(inputGates, out accumulateInput) : default;
        var dInputTensor = !inputGates.RequiresGrad || accumulateInput ? Tensor.Empty([batch, steps, width]) : null;
        if (dInputTensor is not null) dInput = dInputTensor.Data;
        var dHidden = r.Kind == RecurrentCellKind.Gru ? Tensor.Empty([batch, steps, width]).Data : dInput;
        var previous = Tensor.Empty([batch, steps, hidden]); // h_{t−1} of every step (0 past a row's length), for dL/dW_hh
        var dh = new float[batch * hidden];
        var dc = new float[r.Lstm ? batch * hidden : 0];
        var carried = new float[batch * hidden];
        using var packedWeight = PackedWeight(weightHh, transpose: false);
        for (int s = steps - 1; s >= 0; s--)
        {
            int t = r.Reverse ? steps - 1 - s : s;
            for (int b = 0; b < batch; b++)
                CellBackward(r, b, t, dStates, h0, c0, dh, dc, previous.Data, dInput, dHidden);
            // dL/dh_{t−1} = dgates_t W_hh (+ the direct part the cell left in dh); rows not active at t carry dh over.
            dh.CopyTo(carried, 0);
            HiddenGradient(dHidden, packedWeight, carried, dh, t, steps, batch, hidden, width, r.Lengths);
        }
        if (inputGates.RequiresGrad && accumulateInput) TensorPrimitives.Add(inputGates.Grad!.Data, dInputTensor!.Data, inputGates.Grad.Data);
        if (weightHh.RequiresGrad)
            unsafe
            {
                var dWeight = Tape.GradSpan(weightHh, out bool accumulate);
                fixed (float* pd = dHidden, pp = previous.Data, pw = dWeight)
                    Gemm.Sgemm(true, false, width, hidden, batch * steps, 1f, pd, width, pp, hidden, accumulate ? 1f : 0f, pw, hidden);
            }
        if (biasHh is { RequiresGrad: true })
        {
            var dBias = Tape.GradSpan(biasHh, out bool accumulate);
            BiasKernel.SumRows(dHidden[..(batch * steps * width)], dBias, accumulate);
        }
        if (h0.RequiresGrad) Tape.WriteGrad(h0, g => dh.CopyTo(g));
        if (c0 is { RequiresGrad: true }) Tape.WriteGrad(c0, g => dc.CopyTo(g));
    }

    /// <summary>
    /// The cell's backward for row <paramref name="b"/> at step <paramref name="t"/>: adds the step's incoming state
    /// gradient to the running dh (and dc), writes the row's gate gradients and keeps h_{t−1} for dL/dW_hh; a row past
    /// its length gets zeros.
    /// </summary>
    private static void CellBackward(RecurrenceState r, int b, int t, ReadOnlySpan<float> dStates, Tensor h0, Tensor? c0,
        float[] dh, float[] dc, Span<float> previous, Span<float> dInput, Span<float> dHidden)
    {
        int hidden = r.Hidden, width = r.GateWidth, stateWidth = r.StateWidth, row = (b * r.Steps) + t;
        if (t >= r.Lengths[b])
        {
            dInput.Slice(row * width, width).Clear();
            dHidden.Slice(row * width, width).Clear();
            previous.Slice(row * hidden, hidden).Clear();
            return;
        }
        int before = PreviousStep(t, r.Lengths[b], r.Steps, r.Reverse);
        var states = r.States.Data;
        var dhRow = dh.AsSpan(b * hidden, hidden);
        TensorPrimitives.Add(dhRow, dStates.Slice(row * stateWidth, hidden), dhRow);
        var hPrevious = before < 0 ? h0.Data.Slice(b * hidden, hidden) : states.Slice(((b * r.Steps) + before) * stateWidth, hidden);
        hPrevious.CopyTo(previous.Slice(row * hidden, hidden));
        Span<float> dcRow = default;
        ReadOnlySpan<float> cPrevious = default, cNow = default;
        if (r.Lstm)
        {
            dcRow = dc.AsSpan(b * hidden, hidden);
            TensorPrimitives.Add(dcRow, dStates.Slice((row * stateWidth) + hidden, hidden), dcRow);
            cPrevious = before < 0 ? c0!.Data.Slice(b * hidden, hidden) : states.Slice((((b * r.Steps) + before) * stateWidth) + hidden, hidden);
            cNow = states.Slice((row * stateWidth) + hidden, hidden);
        }
        RecurrentCellKernel.Backward(r.Kind, dhRow, dcRow, hPrevious, cPrevious, cNow, r.SavedRow(row),
            dInput.Slice(row * width, width), dHidden.Slice(row * width, width));
    }

    /// <summary>
    /// The last state of each row of a <see cref="Recurrence"/> result [B, T, S·H]: the state at step length − 1 (step 0
    /// when <paramref name="reverse"/>), or the initial state (<paramref name="h0"/>, <paramref name="c0"/>) of a row of
    /// length 0; [B, S·H].
    /// </summary>
    public static Tensor RecurrenceFinalState(this Tensor states, Tensor h0, Tensor? c0, int[]? lengths, bool reverse)
    {
        int batch = states.Size(0), steps = states.Size(1), width = states.Size(2), hidden = h0.Size(1);
        var final = Tensor.Empty([batch, width]);
        var source = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            int length = lengths?[b] ?? steps;
            source[b] = length == 0 ? -1 : (b * steps) + (reverse ? 0 : length - 1);
            var row = final.Data.Slice(b * width, width);
            if (source[b] >= 0) states.Data.Slice(source[b] * width, width).CopyTo(row);
            else
            {
                h0.Data.Slice(b * hidden, hidden).CopyTo(row);
                c0?.Data.Slice(b * hidden, hidden).CopyTo(row[hidden..]);
            }
        }
        Tensor[] inputs = [states, h0, .. c0 is null ? Array.Empty<Tensor>() : [c0]];
        return Tape.Record(final, "RecurrenceFinalState", inputs, o =>
        {
            var dFinal = o.Grad!.Data;
            if (states.RequiresGrad)
            {
                var dStates = Tape.GradSpan(states);
                for (int b = 0; b < batch; b++)
                    if (source[b] >= 0) TensorPrimitives.Add(dStates.Slice(source[b] * width, width), dFinal.Slice(b * width, width), dStates.Slice(source[b] * width, width));
            }
            for (int b = 0; b < batch; b++)
            {
                if (source[b] >= 0) continue;
                if (h0.RequiresGrad) TensorPrimitives.Add(Tape.GradSpan(h0).Slice(b * hidden, hidden), dFinal.Slice(b * width, hidden), Tape.GradSpan(h0).Slice(b * hidden, hidden));
                if (c0 is { RequiresGrad: true })
                    TensorPrimitives.Add(Tape.GradSpan(c0).Slice(b * hidden, hidden), dFinal.Slice((b * width) + hidden, hidden), Tape.GradSpan(c0).Slice(b * hidden, hidden));
            }
        });
    }

    /// <summary>The step processed just before <paramref name="t"/> in a row of <paramref name="length"/> steps, or −1 when t was its first.</summary>
    private static int PreviousStep(int t, int length, int steps, bool reverse) =>
        reverse ? (t + 1 < length ? t + 1 : -1) : t - 1;

    /// <summary>W_hh [G·H, H] packed once for all steps: as W_hhᵀ (for h W_hhᵀ) or as itself (for dgates W_hh). Tensor storage is pinned.</summary>
    private static unsafe PackedMatrix PackedWeight(Tensor weightHh, bool transpose)
    {
        int width = weightHh.Size(0), hidden = weightHh.Size(1);
        fixed (float* pw = weightHh.Data)
            return transpose ? new PackedMatrix(true, pw, hidden, hidden, width) : new PackedMatrix(false, pw, hidden, width, hidden);
    }

    /// <summary>
    /// h W_hhᵀ + b_hh for all rows [B, G·H], with W_hhᵀ packed, or W_hh in panels, or (when both are null) from W_hh as
    /// stored.
    /// </summary>
    private static unsafe void RecurrentGates(float[] h, PackedMatrix? weightTransposed, PanelMatrix? panels, Tensor weightHh, Tensor? biasHh, float[] output, int batch)
    {
        int width = weightHh.Size(0), hidden = weightHh.Size(1);
        fixed (float* ph = h, po = output, pw = weightHh.Data)
        {
            if (weightTransposed is not null) weightTransposed.Multiply(false, batch, 1f, ph, hidden, 0f, po, width);
            else if (panels is not null) PanelGemv.Multiply(panels, ph, batch, po);
            else Gemm.Sgemm(false, true, batch, width, hidden, 1f, ph, hidden, pw, hidden, 0f, po, width);
        }
        if (biasHh is null) return;
        for (int b = 0; b < batch; b++) TensorPrimitives.Add(output.AsSpan(b * width, width), biasHh.Data, output.AsSpan(b * width, width));
    }

    /// <summary>
    /// dh ← dgates_t W_hh + the direct part in <paramref name="carried"/> for rows active at step t; inactive rows keep
    /// <paramref name="carried"/> (their state passed through the step unchanged).
    /// </summary>
    private static unsafe void HiddenGradient(Span<float> dHidden, PackedMatrix weightHh, float[] carried, float[] dh, int t, int steps, int batch,
        int hidden, int width, int[] length)
    {
        fixed (float* pd = dHidden, ph = dh)
            weightHh.Multiply(false, batch, 1f, pd + ((long)t * width), steps * width, 0f, ph, hidden);
        for (int b = 0; b < batch; b++)
        {
            var row = dh.AsSpan(b * hidden, hidden);
            if (t < length[b]) TensorPrimitives.Add(row, carried.AsSpan(b * hidden, hidden), row);
            else carried.AsSpan(b * hidden, hidden).CopyTo(row);
        }
    }
}

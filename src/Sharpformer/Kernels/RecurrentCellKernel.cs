namespace Sharpformer.Kernels;

/// <summary>The cell equations a <see cref="RecurrentCellKernel"/> applies, with G gate blocks of H columns each.</summary>
public enum RecurrentCellKind
{
    /// <summary>Elman RNN, h = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); G = 1.</summary>
    Tanh,

    /// <summary>Elman RNN with relu in place of tanh; G = 1.</summary>
    Relu,

    /// <summary>LSTM, gates i, f, g, o; G = 4; the state also holds c.</summary>
    Lstm,

    /// <summary>GRU, gates r, z, n; G = 3.</summary>
    Gru,
}

/// <summary>
/// The element-wise part of one recurrent time step for one row, fused: from the row's input gates x W_ihᵀ + b_ih and
/// recurrent gates h W_hhᵀ + b_hh (each G·H) and its previous state, the new state, with the activations the backward
/// step needs saved in <c>saved</c> (<see cref="SavedWidth"/>·H floats); and the matching backward step. The equations
/// are PyTorch's (<c>nn.RNN</c>, <c>nn.LSTM</c>, <c>nn.GRU</c>).
/// </summary>
public static class RecurrentCellKernel
{
    /// <summary>Gate blocks G of the cell: 1, 4 or 3.</summary>
    public static int Gates(RecurrentCellKind kind) => kind switch { RecurrentCellKind.Lstm => 4, RecurrentCellKind.Gru => 3, _ => 1 };

    /// <summary>H-wide blocks of activations saved per step: the new h for an Elman cell, i, f, g, o for an LSTM, r, z, n and h W_hnᵀ + b_hn for a GRU.</summary>
    public static int SavedWidth(RecurrentCellKind kind) => kind switch { RecurrentCellKind.Lstm => 4, RecurrentCellKind.Gru => 4, _ => 1 };

    /// <summary>
    /// One forward step of one row: reads the previous h (and c) from <paramref name="h"/> (and <paramref name="c"/>) and
    /// overwrites them with the new state; <paramref name="c"/> is used by the LSTM only.
    /// </summary>
    public static void Forward(RecurrentCellKind kind, ReadOnlySpan<float> inputGates, ReadOnlySpan<float> hiddenGates,
        Span<float> h, Span<float> c, Span<float> saved)
    {
        int size = h.Length;
        switch (kind)
        {
            case RecurrentCellKind.Tanh or RecurrentCellKind.Relu:
                TensorPrimitives.Add(inputGates, hiddenGates, h);
                if (kind == RecurrentCellKind.Tanh) TensorPrimitives.Tanh(h, h);
                else TensorPrimitives.Max(h, 0f, h);
                h.CopyTo(saved);
                break;
            case RecurrentCellKind.Lstm:
                // saved = [i, f, g, o]; c = f ⊙ c + i ⊙ g; h = o ⊙ tanh(c).
                TensorPrimitives.Add(inputGates, hiddenGates, saved);
                TensorPrimitives.Sigmoid(saved[..(2 * size)], saved[..(2 * size)]);
                TensorPrimitives.Tanh(saved.Slice(2 * size, size), saved.Slice(2 * size, size));
                TensorPrimitives.Sigmoid(saved.Slice(3 * size, size), saved.Slice(3 * size, size));
                TensorPrimitives.Multiply(saved.Slice(size, size), c, c); // f ⊙ c
                TensorPrimitives.MultiplyAdd(saved[..size], saved.Slice(2 * size, size), c, c); // + i ⊙ g
                TensorPrimitives.Tanh(c, h);
                TensorPrimitives.Multiply(h, saved.Slice(3 * size, size), h); // o ⊙ tanh(c)
                break;
            case RecurrentCellKind.Gru:
                // saved = [r, z, n, h W_hnᵀ + b_hn]; n = tanh(x_n + r ⊙ hn); h = n + z ⊙ (h − n).
                TensorPrimitives.Add(inputGates[..(2 * size)], hiddenGates[..(2 * size)], saved[..(2 * size)]);
                TensorPrimitives.Sigmoid(saved[..(2 * size)], saved[..(2 * size)]);
                hiddenGates.Slice(2 * size, size).CopyTo(saved.Slice(3 * size, size));
                var n = saved.Slice(2 * size, size);
                TensorPrimitives.MultiplyAdd(saved[..size], saved.Slice(3 * size, size), inputGates.Slice(2 * size, size), n); // x_n + r ⊙ hn
                TensorPrimitives.Tanh(n, n);
                TensorPrimitives.Subtract(h, n, h);
                TensorPrimitives.MultiplyAdd(saved.Slice(size, size), h, n, h); // n + z ⊙ (h − n)
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown recurrent cell");
        }
    }

    /// <summary>
    /// One backward step of one row. In: <paramref name="dh"/> (and <paramref name="dc"/>), the gradient reaching the new
    /// state; the previous state <paramref name="hPrevious"/>/<paramref name="cPrevious"/>; the new c <paramref name="c"/>
    /// (LSTM); the saved activations. Out: the gradients of the input gates and of the recurrent gates (which differ only
    /// for the GRU's n block, and may share memory for the other cells), <paramref name="dh"/> overwritten with the part
    /// of dL/dh_prev that does not pass through W_hh (nonzero for the GRU only) and <paramref name="dc"/> with dL/dc_prev
    /// (LSTM).
    /// </summary>
    public static void Backward(RecurrentCellKind kind, Span<float> dh, Span<float> dc, ReadOnlySpan<float> hPrevious,
        ReadOnlySpan<float> cPrevious, ReadOnlySpan<float> c, ReadOnlySpan<float> saved, Span<float> dInputGates, Span<float> dHiddenGates)
    {
        int size = dh.Length;
        switch (kind)
        {
            case RecurrentCellKind.Tanh or RecurrentCellKind.Relu:
                for (int j = 0; j < size; j++)
                {
                    float y = saved[j];
                    dInputGates[j] = kind == RecurrentCellKind.Tanh ? dh[j] * (1f - (y * y)) : y > 0f ? dh[j] : 0f;
                }
                if (!dInputGates.Overlaps(dHiddenGates)) dInputGates.CopyTo(dHiddenGates);
                dh.Clear();
                break;
            case RecurrentCellKind.Lstm:
                for (int j = 0; j < size; j++)
                {
                    float i = saved[j], f = saved[size + j], g = saved[(2 * size) + j], o = saved[(3 * size) + j];
                    float tanhC = MathF.Tanh(c[j]);
                    float dCell = dc[j] + (dh[j] * o * (1f - (tanhC * tanhC)));
                    dInputGates[j] = dCell * g * i * (1f - i);
                    dInputGates[size + j] = dCell * cPrevious[j] * f * (1f - f);
                    dInputGates[(2 * size) + j] = dCell * i * (1f - (g * g));
                    dInputGates[(3 * size) + j] = dh[j] * tanhC * o * (1f - o);
                    dc[j] = dCell * f;
                }
                if (!dInputGates.Overlaps(dHiddenGates)) dInputGates.CopyTo(dHiddenGates);
                dh.Clear();
                break;
            case RecurrentCellKind.Gru:
                for (int j = 0; j < size; j++)
                {
                    float r = saved[j], z = saved[size + j], n = saved[(2 * size) + j], hn = saved[(3 * size) + j];
                    float dn = dh[j] * (1f - z) * (1f - (n * n));
                    float dr = dn * hn * r * (1f - r);
                    float dz = dh[j] * (hPrevious[j] - n) * z * (1f - z);
                    dInputGates[j] = dHiddenGates[j] = dr;
                    dInputGates[size + j] = dHiddenGates[size + j] = dz;
                    dInputGates[(2 * size) + j] = dn;
                    dHiddenGates[(2 * size) + j] = dn * r;
                    dh[j] *= z;
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown recurrent cell");
        }
    }
}

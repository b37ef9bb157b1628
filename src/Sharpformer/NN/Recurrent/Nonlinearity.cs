namespace Sharpformer.NN.Recurrent;

/// <summary>The activation of an <see cref="ElmanRnn"/>: PyTorch's <c>nonlinearity='tanh'</c> or <c>'relu'</c>.</summary>
public enum Nonlinearity
{
    /// <summary>h_t = tanh(…), the default.</summary>
    Tanh,

    /// <summary>h_t = relu(…).</summary>
    Relu,
}

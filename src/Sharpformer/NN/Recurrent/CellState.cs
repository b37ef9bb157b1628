using Sharpformer.Tensors;

namespace Sharpformer.NN.Recurrent;

/// <summary>The state of one layer and direction at one time step: h_t [B, H] and, for an LSTM, c_t [B, H].</summary>
internal readonly record struct CellState(Tensor H, Tensor? C);

namespace Sharpformer.Training;

/// <summary>Thrown when the loss or gradients stay NaN/Inf for too many consecutive steps (learning rate too high, bad data).</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

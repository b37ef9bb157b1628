namespace Sharpformer.Cli;

/// <summary>Which engine runs a model for <c>translate</c> and <c>eval</c>.</summary>
internal enum ModelRuntime
{
    /// <summary>Our own engine, on a model folder written by <c>train</c>.</summary>
    Sharpformer,

    /// <summary>ONNX Runtime, on a folder written by <c>export-onnx</c>, driven by the same search.</summary>
    OnnxRuntime,
}

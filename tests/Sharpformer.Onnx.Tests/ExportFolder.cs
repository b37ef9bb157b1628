namespace Sharpformer.Onnx.Tests;

/// <summary>A fresh parent folder under the system temp folder for one export, deleted with everything in it on dispose.</summary>
internal sealed class ExportFolder : IDisposable
{
    public ExportFolder()
    {
        Parent = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sharpformer-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Parent);
    }

    /// <summary>The folder that holds the export (and nothing else after a successful one).</summary>
    public string Parent { get; }

    /// <summary>The export's own folder, inside <see cref="Parent"/>.</summary>
    public string Path => System.IO.Path.Combine(Parent, "model-onnx");

    public void Dispose() => Directory.Delete(Parent, recursive: true);
}

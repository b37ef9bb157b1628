namespace Sharpformer.Tests.IO;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sharpformer-io-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string[] FileNames() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).Order().ToArray()!;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

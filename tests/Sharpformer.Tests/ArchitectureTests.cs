using System.Text.RegularExpressions;

namespace Sharpformer.Tests;

/// <summary>
/// The layering of ../shared/DESIGN.md, enforced: every file of src/Sharpformer is read, its namespace checked against its folder,
/// and every other folder it names (a <c>using Sharpformer.X</c> directive, or a qualified name such as
/// <c>Models.Ensemble</c>) must sit in a layer above its own, or in its own layer without closing a cycle of folders.
/// A failure names the file and the import.
/// </summary>
public sealed partial class ArchitectureTests
{
    /// <summary>The layers, top (most basic) first: a folder may use the folders of the layers before its own.</summary>
    private static readonly string[][] Layers =
    [
        ["Tensors", "Kernels"],
        ["Autograd"],
        ["NN"],
        ["Models"],
        ["IO"],
        ["Data", "Metrics", "Tasks", "Distributed"],
        ["Decoding"],
        ["Training"],
        ["Serving", "Experiments", "Reports", "Benchmarks"],
    ];

    /// <summary>The one sanctioned upward reference: Tensor carries its autograd slot (Grad, GradFn), as torch.Tensor does.</summary>
    private static readonly (string File, string Folder)[] Sanctioned = [("Tensors/Tensor.cs", "Autograd")];

    private static readonly string[] Folders = [.. Layers.SelectMany(l => l)];

    [Fact]
    public void Every_import_in_the_library_runs_down_the_layer_order_without_folder_cycles()
    {
        var imports = LibraryImports();
        var violations = new List<string>();
        foreach (var (file, from, to) in imports)
            if (LayerOf(to) > LayerOf(from) && !Sanctioned.Contains((file, to)))
                violations.Add($"{file}: {from} (layer {LayerOf(from) + 1}) imports {to} (layer {LayerOf(to) + 1})");
        var sameLayer = imports.Where(i => LayerOf(i.To) == LayerOf(i.From)).ToList();
        foreach (var (file, from, to) in sameLayer)
            if (Reaches(sameLayer, to, from))
                violations.Add($"{file}: {from} imports {to}, and {to} imports {from} back through its own layer (a folder cycle)");
        Assert.True(violations.Count == 0, "Layering violations (see ../shared/DESIGN.md):\n" + string.Join('\n', violations.Distinct()));
    }

    [Fact]
    public void Every_library_file_declares_the_namespace_of_its_folder_and_every_folder_has_a_layer()
    {
        var wrong = new List<string>();
        foreach (var (relative, text) in LibraryFiles())
        {
            var folder = relative.Split('/')[0];
            if (!Folders.Contains(folder)) wrong.Add($"{relative}: folder {folder} has no layer in the architecture test (add it to DESIGN.md and here)");
            // the namespace of the file's folder, or of a folder above it inside its layer folder (Kernels/Gemm/ only groups files)
            var declared = NamespacePattern().Match(text);
            var path = relative.Split('/')[..^1];
            var allowed = Enumerable.Range(1, path.Length).Select(n => "Sharpformer." + string.Join('.', path[..n])).ToList();
            if (!declared.Success || !allowed.Contains(declared.Groups[1].Value))
                wrong.Add($"{relative}: namespace {(declared.Success ? declared.Groups[1].Value : "(none)")}, expected {allowed[^1]}");
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public void The_check_sees_an_upward_import_and_a_cycle()
    {
        // The rules above applied to made-up imports, so a test that finds nothing cannot be a test that looks at nothing.
        Assert.True(LayerOf("Serving") > LayerOf("Decoding"));
        Assert.True(LayerOf("Kernels") == LayerOf("Tensors"));
        var cycle = new List<(string File, string From, string To)> { ("a.cs", "Data", "Metrics"), ("b.cs", "Metrics", "Data") };
        Assert.True(Reaches(cycle, "Metrics", "Data"));
        Assert.False(Reaches([("a.cs", "Data", "Metrics")], "Metrics", "Data"));
        Assert.Contains(("Reports/AttentionExtraction.cs", "Reports", "Decoding"), LibraryImports());
    }

    private static int LayerOf(string folder) => Array.FindIndex(Layers, l => l.Contains(folder));

    private static bool Reaches(List<(string File, string From, string To)> edges, string start, string goal)
    {
        var seen = new HashSet<string> { start };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var folder))
        {
            if (folder == goal) return true;
            foreach (var next in edges.Where(e => e.From == folder).Select(e => e.To))
                if (seen.Add(next)) queue.Enqueue(next);
        }
        return false;
    }

    private static List<(string File, string From, string To)> LibraryImports()
    {
        var imports = new List<(string, string, string)>();
        foreach (var (relative, text) in LibraryFiles())
        {
            var from = relative.Split('/')[0];
            var named = UsingPattern().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(QualifiedPattern().Matches(StripStrings(text)).Select(m => m.Groups[1].Value));
            foreach (var to in named.Distinct().Where(f => f != from && Folders.Contains(f)))
                imports.Add((relative, from, to));
        }
        return imports;
    }

    private static IEnumerable<(string Relative, string Text)> LibraryFiles()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "Sharpformer");
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            // files at the project's root (GlobalUsings.cs) are project-wide, not part of a layer
            .Where(relative => relative.Contains('/') && !relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(relative => (relative, File.ReadAllText(Path.Combine(root, relative))));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sharpformer.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Sharpformer.slnx above {AppContext.BaseDirectory}.");
    }

    private static string StripStrings(string text) => StringLiteralPattern().Replace(text, "\"\"");

    [GeneratedRegex(@"^\s*using\s+(?:static\s+)?Sharpformer\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingPattern();

    // Sharpformer.X.Y, or X.Y with X a library folder not preceded by another name part ("Models.Ensemble", not "logits.Data.Slice").
    [GeneratedRegex(@"(?:\bSharpformer\.|(?<![\w.]))(Tensors|Kernels|Autograd|NN|Models|IO|Metrics|Tasks|Distributed|Decoding|Training|Serving|Experiments|Reports|Benchmarks)\.[A-Z]")]
    private static partial Regex QualifiedPattern();

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex("\"(?:[^\"\\\\\\n]|\\\\.)*\"")]
    private static partial Regex StringLiteralPattern();
}

using Sharpformer.IO;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>
/// The resumable part of a run folder: <c>last-STEP/</c> holds <c>model.safetensors</c>, <c>optimizer.safetensors</c>
/// and <c>trainer_state.json</c>, and the small pointer file <c>last.json</c> names the newest complete one. The pointer
/// is replaced atomically only after every file of the new folder is on disk, so a run killed at any moment resumes from
/// a consistent checkpoint; older folders are deleted afterwards.
/// </summary>
public static class ResumableCheckpoint
{
    private const string Pointer = "last.json";

    /// <summary>Writes model, optimiser and trainer state under <paramref name="runDirectory"/>.</summary>
    public static void Save(string runDirectory, Module model, Optimizer optimizer, TrainerState state)
    {
        string name = $"last-{state.Step}";
        string folder = Path.Combine(runDirectory, name);
        Directory.CreateDirectory(folder);
        var weights = new SafetensorsWriter();
        foreach (var (key, tensor) in model.StateDict()) weights.Add(key, tensor);
        weights.Save(Path.Combine(folder, "model.safetensors"));
        var moments = new SafetensorsWriter().AddMetadata("step_count", optimizer.StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, tensor) in optimizer.StateTensors()) moments.Add(key, tensor);
        moments.Save(Path.Combine(folder, "optimizer.safetensors"));
        AtomicFile.WriteAllText(Path.Combine(folder, "trainer_state.json"), state.ToJson());
        AtomicFile.WriteAllText(Path.Combine(runDirectory, Pointer), $"{{\"folder\": \"{name}\"}}");
        foreach (var old in Directory.GetDirectories(runDirectory, "last-*"))
            if (Path.GetFileName(old) != name) Directory.Delete(old, recursive: true);
    }

    /// <summary>
    /// Deletes what a run killed while writing leaves behind: the temporary files of atomic writes (<c>.NAME.GUID.tmp</c>)
    /// in the run folder and its checkpoint folders, and half-written kept checkpoints (<c>checkpoints/*.partial</c>).
    /// None of them is ever read; this only keeps a run folder that was killed many times as clean as an uninterrupted one.
    /// </summary>
    public static void RemoveLeftovers(string runDirectory)
    {
        if (!Directory.Exists(runDirectory)) return;
        foreach (var file in Directory.EnumerateFiles(runDirectory, ".*.tmp", SearchOption.AllDirectories).ToList())
            if (System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(file), @"^\..+\.[0-9a-f]{32}\.tmp$")) File.Delete(file);
        var kept = Path.Combine(runDirectory, KeptCheckpoints.FolderName);
        if (Directory.Exists(kept))
            foreach (var partial in Directory.GetDirectories(kept, "*.partial")) Directory.Delete(partial, recursive: true);
    }

    /// <summary>True when <paramref name="runDirectory"/> holds a resumable checkpoint.</summary>
    public static bool Exists(string runDirectory) => File.Exists(Path.Combine(runDirectory, Pointer));

    /// <summary>Restores model weights and optimiser state and returns the trainer state.</summary>
    public static TrainerState Load(string runDirectory, Module model, Optimizer optimizer)
    {
        var pointerPath = Path.Combine(runDirectory, Pointer);
        string? name;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(pointerPath));
            name = doc.RootElement.GetProperty("folder").GetString();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{pointerPath}: corrupt checkpoint pointer ({ErrorText.OneLine(e.Message)}).", e);
        }
        // The pointer names a sibling folder written by Save, nothing else (no path, no other name).
        if (name is null || !System.Text.RegularExpressions.Regex.IsMatch(name, @"^last-[0-9]{1,19}$") || !Directory.Exists(Path.Combine(runDirectory, name)))
            throw new InvalidDataException($"{pointerPath}: corrupt checkpoint pointer (folder '{ErrorText.OneLine(name ?? "null", 80)}' is not a checkpoint of this run).");
        string folder = Path.Combine(runDirectory, name);
        string weightsPath = Path.Combine(folder, "model.safetensors"), momentsPath = Path.Combine(folder, "optimizer.safetensors");
        using (var weights = SafetensorsFile.Open(weightsPath))
            ModelCheckpoint.LoadMatching(weightsPath, () => model.LoadStateDict(weights.Names.ToDictionary(n => n, weights.ReadTensor)));
        using (var moments = SafetensorsFile.Open(momentsPath))
        {
            var state = moments.Names.ToDictionary(n => n, moments.ReadTensor);
            if (!long.TryParse(moments.Metadata.GetValueOrDefault("step_count", "0"), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out long steps))
                throw new InvalidDataException($"{momentsPath}: step_count metadata is not a step count.");
            ModelCheckpoint.LoadMatching(momentsPath, () => optimizer.LoadState(state, steps));
        }
        var statePath = Path.Combine(folder, "trainer_state.json");
        try
        {
            return TrainerState.FromJson(File.ReadAllText(statePath));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{statePath}: corrupt trainer state ({ErrorText.OneLine(e.Message)}).", e);
        }
    }
}

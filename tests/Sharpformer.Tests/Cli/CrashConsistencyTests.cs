using System.Globalization;
using System.Text.Json.Nodes;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli;

/// <summary>
/// Crash consistency, tested the way databases test it: the real program killed with SIGKILL at random moments (during
/// start-up, training steps, evaluations and checkpoint writes), resumed each time, must end exactly where an
/// uninterrupted run ends; the folder-writing commands leave their output complete or absent.
/// </summary>
public sealed class CrashConsistencyTests
{
    private const int Steps = 120;
    private const int Kills = 30;

    [Fact]
    public void A_training_run_killed_30_times_ends_with_the_uninterrupted_runs_parameters_bit_for_bit()
    {
        using var dir = new TemporaryDirectory();
        var (train, dev) = Corpus(dir.Path);
        string[] Args(string run) => ["train", "--train", train, "--dev", dev, "--preset", "tiny", "--steps", $"{Steps}", "--eval-every", "1",
            "--keep-last", "2", "--seed", "3", "--out", run];
        string reference = Path.Combine(dir.Path, "uninterrupted"), killed = Path.Combine(dir.Path, "killed");
        var (code, _, stderr) = SharpformerProcess.Run(null, Args(reference));
        Assert.True(code == 0, stderr);

        // A checkpoint is written after every step. Every fourth start is killed during start-up or at its first
        // reported step, whichever comes first; the others after the report of a step spread over the run, plus up to
        // 40 ms but no later than the next step's report: inside the next step's training, evaluation or checkpoint
        // writes. Bounding each start's progress in steps, not milliseconds, keeps the kills inside the run however fast
        // the machine trains (fixed delays let a fast machine reach the last step with kills still to land).
        var random = new Random(20261205);
        int kills = 0;
        for (int cycle = 0; kills < Kills; cycle++)
        {
            Assert.True(cycle < 2 * Kills, $"only {kills} kills landed in {cycle} starts");
            using var process = KillableProcess.Start(Args(killed));
            if (cycle % 4 == 0)
                process.WaitForLineAtMost(line => ReportedStep(line) >= 0, TimeSpan.FromMilliseconds(random.Next(0, 900)));
            else
            {
                int target = 1 + (int)((long)kills * (Steps - 2) / Kills) + random.Next(0, 3), reported = -1;
                if (process.WaitForLine(line => (reported = ReportedStep(line)) >= target, TimeSpan.FromMinutes(2)))
                    process.WaitForLineAtMost(line => ReportedStep(line) > reported, TimeSpan.FromMilliseconds(random.Next(0, 41)));
            }
            if (process.Kill()) kills++;
            else
            {
                var (exit, error) = process.WaitForExit(TimeSpan.FromMinutes(1));
                Assert.True(exit == 0, $"start {cycle} (after {kills} kills) failed with exit {exit}: {error}");
            }
        }
        using (var last = KillableProcess.Start(Args(killed)))
        {
            var (exit, error) = last.WaitForExit(TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, error);
            Assert.DoesNotContain("Exception", error);
        }

        Assert.Equal(Listing(reference), Listing(killed)); // no leftovers of interrupted writes
        foreach (var file in Listing(reference))
        {
            string a = Path.Combine(reference, file), b = Path.Combine(killed, file);
            if (file.EndsWith(".json", StringComparison.Ordinal) && file.Contains("trainer_state", StringComparison.Ordinal))
                Assert.Equal(WithoutTimes(File.ReadAllText(a)), WithoutTimes(File.ReadAllText(b)));
            else if (file == "metrics.jsonl")
                Assert.Equal(Evaluations(a), Evaluations(b));
            else
                Assert.True(File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)), $"{file} differs after {kills} kills");
        }
    }

    [Fact]
    public void Sigterm_or_ctrl_c_stops_training_with_a_checkpoint_and_exit_130_and_the_rerun_ends_like_an_uninterrupted_run()
    {
        using var dir = new TemporaryDirectory();
        var (train, dev) = Corpus(dir.Path);
        // Long enough that the signal, sent after step 10's report, always lands before the run would end by itself.
        string[] Args(string run) => ["train", "--train", train, "--dev", dev, "--preset", "tiny", "--steps", "400", "--eval-every", "10", "--seed", "3", "--out", run];
        string reference = Path.Combine(dir.Path, "uninterrupted"), stopped = Path.Combine(dir.Path, "stopped");
        var (code, _, stderr) = SharpformerProcess.Run(null, Args(reference));
        Assert.True(code == 0, stderr);
        using (var process = KillableProcess.Start(Args(stopped)))
        {
            Assert.True(process.WaitForLine(line => ReportedStep(line) >= 10, TimeSpan.FromMinutes(2)), "the run ended before its first evaluation");
            // SIGTERM: the same handler as Ctrl+C's SIGINT, which a shell that starts jobs in the background (as CI
            // runners may) sets to ignored for them, and an ignored signal stays ignored in the child.
            process.Signal("TERM");
            var (exit, error) = process.WaitForExit(TimeSpan.FromMinutes(1));
            Assert.True(exit == 130, $"exit {exit}: {error}");
            Assert.Contains("run the same command to resume", error);
            Assert.DoesNotContain("Exception", error);
        }
        var (rcode, _, rerr) = SharpformerProcess.Run(null, Args(stopped));
        Assert.True(rcode == 0, rerr);
        foreach (var file in new[] { "model.safetensors", Path.Combine("last-400", "model.safetensors"), Path.Combine("last-400", "optimizer.safetensors") })
            Assert.True(File.ReadAllBytes(Path.Combine(reference, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(stopped, file))), $"{file} differs");
    }

    [Fact]
    public void Average_and_export_killed_at_random_moments_leave_their_output_complete_or_absent()
    {
        using var dir = new TemporaryDirectory();
        var (train, dev) = Corpus(dir.Path);
        string run = Path.Combine(dir.Path, "run");
        var (code, _, stderr) = SharpformerProcess.Run(null, "train", "--train", train, "--dev", dev, "--preset", "tiny", "--steps", "6",
            "--eval-every", "2", "--keep-last", "3", "--out", run);
        Assert.True(code == 0, stderr);
        var random = new Random(5);
        foreach (var command in new[] { new[] { "average", "--run", run, "--last", "3" }, ["export-onnx", "--model", run] })
        {
            string reference = Path.Combine(dir.Path, command[0] + "-reference"), output = Path.Combine(dir.Path, command[0]);
            var timer = System.Diagnostics.Stopwatch.StartNew();
            var (rcode, _, rerr) = SharpformerProcess.Run(null, [.. command, "--out", reference]);
            Assert.True(rcode == 0, rerr);
            double millis = timer.Elapsed.TotalMilliseconds;
            for (int kill = 0; kill < 12; kill++)
            {
                using (var process = KillableProcess.Start([.. command, "--out", output]))
                {
                    Thread.Sleep((int)(millis * (0.5 + 0.7 * random.NextDouble())));
                    if (!process.Kill()) Assert.Equal(0, process.WaitForExit(TimeSpan.FromMinutes(1)).ExitCode);
                }
                if (Directory.Exists(output)) AssertSameFiles(reference, output);
            }
            var (fcode, _, ferr) = SharpformerProcess.Run(null, [.. command, "--out", output]);
            Assert.True(fcode == 0, ferr);
            AssertSameFiles(reference, output);
        }
    }

    private static (string Train, string Dev) Corpus(string root)
    {
        var random = new Random(1);
        string Write(string name, int count)
        {
            var path = Path.Combine(root, name);
            File.WriteAllLines(path, Enumerable.Range(0, count).Select(_ =>
            {
                var words = string.Join(' ', Enumerable.Range(0, random.Next(2, 7)).Select(_ => (char)('a' + random.Next(8))));
                return $"{words}\t{words}";
            }));
            return path;
        }
        return (Write("train.tsv", 64), Write("dev.tsv", 8));
    }

    // "step 12 dev: loss ..." is printed after step 12's checkpoint is written.
    private static int ReportedStep(string line)
    {
        if (!line.StartsWith("step ", StringComparison.Ordinal) || !line.Contains(" dev: ", StringComparison.Ordinal)) return -1;
        return int.Parse(line.AsSpan(5, line.IndexOf(' ', 5) - 5), CultureInfo.InvariantCulture);
    }

    private static List<string> Listing(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];

    private static void AssertSameFiles(string expected, string actual)
    {
        Assert.Equal(Listing(expected), Listing(actual));
        foreach (var file in Listing(expected))
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{actual}: {file} differs");
    }

    // Wall-clock fields differ between any two runs.
    private static string WithoutTimes(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var key in node.Select(p => p.Key).Where(k => k.StartsWith("elapsed", StringComparison.Ordinal) || k.EndsWith("_per_s", StringComparison.Ordinal)).ToList())
            node.Remove(key);
        return node.ToJsonString();
    }

    // The evaluation records (every step) without times; training-loss records average the steps since the last record
    // or the resume, so only their steps are compared.
    private static List<string> Evaluations(string metrics) =>
        [.. File.ReadLines(metrics).Select(l => l.Contains("\"dev_loss\"", StringComparison.Ordinal) ? WithoutTimes(l) : "step " + JsonNode.Parse(l)!["step"])];
}

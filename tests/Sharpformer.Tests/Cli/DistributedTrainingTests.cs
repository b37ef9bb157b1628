using Sharpformer.IO;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli;

/// <summary>
/// `train --distributed mpi` end to end under Open MPI's mpirun (CI installs openmpi-bin): two processes, each on its
/// shard of every batch, end with the parameters of one process trained on the whole batches.
/// </summary>
public sealed class DistributedTrainingTests
{
    private const int Steps = 4;

    private static readonly string[] TrainTiny =
        ["train", "--task", "reverse", "--preset", "tiny", "--dropout", "0", "--steps", "4", "--eval-every", "4", "--train-size", "200"];

    private static readonly Dictionary<string, string> OneThread = new() { ["SHARPFORMER_THREADS"] = "1" };

    [Fact]
    public void Two_mpi_processes_end_with_the_parameters_of_one_process_trained_on_the_same_batches()
    {
        string mpirun = Mpirun();
        using var dir = new TemporaryDirectory();
        string parallel = Path.Combine(dir.Path, "parallel"), single = Path.Combine(dir.Path, "single");

        var (code, stdout, stderr) = SharpformerProcess.RunLaunched([mpirun, "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", "2"], OneThread, null,
            [.. TrainTiny, "--out", parallel, "--distributed", "mpi"]);
        Assert.True(code == 0, $"mpirun exited {code}: {stderr}\n{stdout}");
        Assert.Single(stdout.Split('\n'), line => line.StartsWith("Trained", StringComparison.Ordinal)); // only rank 0 reports
        (code, _, stderr) = SharpformerProcess.RunLaunched([], OneThread, null, [.. TrainTiny, "--out", single]);
        Assert.True(code == 0, stderr);

        using var a = SafetensorsFile.Open(Path.Combine(parallel, $"last-{Steps}", "model.safetensors"));
        using var b = SafetensorsFile.Open(Path.Combine(single, $"last-{Steps}", "model.safetensors"));
        Assert.Equal(b.Names.Order(), a.Names.Order());
        foreach (var name in b.Names)
        {
            float[] x = a.ReadTensor(name).ToArray(), y = b.ReadTensor(name).ToArray();
            float difference = x.Zip(y, (p, q) => MathF.Abs(p - q)).Max();
            if (name.EndsWith("k_proj.bias", StringComparison.Ordinal))
            {
                // Softmax ignores a shift shared by every key, so the exact gradient of a key bias is 0 and both runs see
                // only rounding noise, which Adam's g/√v turns into steps of ±lr: bound them by the steps taken.
                Assert.True(difference <= 2 * Steps * 1e-3f, $"{name}: {difference}");
                continue;
            }
            float scale = y.Max(MathF.Abs);
            Assert.True(difference <= 1e-5f * scale, $"{name}: max difference {difference} against max |value| {scale}");
        }
    }

    [Fact]
    public void A_peer_that_never_joins_ends_the_job_after_the_start_up_timeout_instead_of_hanging()
    {
        using var dir = new TemporaryDirectory();
        // Rank 1 stays alive without ever calling MPI; rank 0 runs sharpformer ($0 "$@" is `dotnet sharpformer.dll ...`).
        const string rankOneSleeps = "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then exec sleep 120; fi; exec \"$0\" \"$@\"";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, stdout, stderr) = SharpformerProcess.RunLaunched([Mpirun(), "--allow-run-as-root", "--oversubscribe", "-np", "2", "bash", "-c", rankOneSleeps],
            new Dictionary<string, string>(OneThread) { ["SHARPFORMER_MPI_TIMEOUT"] = "3" }, null, [.. TrainTiny, "--out", dir.Path, "--distributed", "mpi"]);
        Assert.NotEqual(0, code);
        Assert.Contains("error: MPI start-up did not complete within 3 s", stdout + stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Distributed_training_outside_mpirun_is_a_one_line_error()
    {
        using var dir = new TemporaryDirectory();
        var (code, _, stderr) = SharpformerProcess.Run(null, [.. TrainTiny, "--out", dir.Path, "--distributed", "mpi"]);
        Assert.Equal(1, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("mpirun", stderr);
    }

    /// <summary>The mpirun on PATH; its absence fails the test (it does not skip it) with the reason.</summary>
    private static string Mpirun() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "mpirun")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mpirun is not on PATH: install Open MPI (apt-get install openmpi-bin) to run the distributed-training tests.");
}

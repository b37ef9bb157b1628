using System.Globalization;

namespace Sharpformer.Distributed;

/// <summary>
/// MPI_COMM_WORLD of a job started by <c>mpirun</c>, over Open MPI's C API. Errors are returned, not aborted on
/// (MPI_ERRORS_RETURN), and become <see cref="MpiException"/>s. Start-up and the first collective run under a watchdog:
/// a peer that never arrives ends this process with a one-line error after <see cref="TimeoutVariable"/> seconds
/// (default 60) instead of a silent hang. Disposing calls MPI_Finalize.
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator, IDisposable
{
    /// <summary>Environment variable with the start-up timeout in seconds.</summary>
    public const string TimeoutVariable = "SHARPFORMER_MPI_TIMEOUT";

    private readonly MpiNative _mpi;
    private bool _finalized;

    private MpiCommunicator(MpiNative mpi, int rank, int size)
    {
        _mpi = mpi;
        Rank = rank;
        Size = size;
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <summary>True when the process was started by Open MPI's <c>mpirun</c> (or another PMIx launcher).</summary>
    public static bool LaunchedByMpirun =>
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null || Environment.GetEnvironmentVariable("PMIX_RANK") is not null;

    /// <summary>
    /// Loads MPI, initialises it, and meets every peer in a first barrier. Throws <see cref="MpiException"/> when the
    /// process was not launched by <c>mpirun</c> or the MPI library is missing.
    /// </summary>
    public static MpiCommunicator Start()
    {
        if (!LaunchedByMpirun)
            throw new MpiException("--distributed mpi needs a launch by mpirun (OMPI_COMM_WORLD_SIZE and PMIX_RANK are not set): mpirun -np N dotnet sharpformer.dll ...");
        var mpi = MpiNative.Load();
        var timeout = StartupTimeout();
        using var watchdog = new Timer(_ =>
        {
            Console.Error.WriteLine($"error: MPI start-up did not complete within {timeout.TotalSeconds:F0} s (a peer process did not start or died); set {TimeoutVariable} to wait longer.");
            Environment.Exit(1);
        }, null, timeout, Timeout.InfiniteTimeSpan);
        int provided, rank, size;
        mpi.Check(mpi.InitThread(null, null, MpiNative.ThreadSerialized, &provided), "MPI_Init_thread");
        mpi.Check(mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        mpi.Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        mpi.Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        var world = new MpiCommunicator(mpi, rank, size);
        world.Barrier();
        return world;
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
        fixed (float* data = values)
            _mpi.Check(_mpi.Allreduce(MpiNative.InPlace, data, values.Length, _mpi.Float, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
    }

    /// <inheritdoc />
    public void Broadcast(Span<float> values, int root)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        fixed (float* data = values)
            _mpi.Check(_mpi.Bcast(data, values.Length, _mpi.Float, root, _mpi.CommWorld), "MPI_Bcast");
    }

    /// <inheritdoc />
    public void Barrier() => _mpi.Check(_mpi.Barrier(_mpi.CommWorld), "MPI_Barrier");

    /// <summary>Calls MPI_Finalize (once).</summary>
    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        _mpi.Check(_mpi.Finalize(), "MPI_Finalize");
    }

    private static TimeSpan StartupTimeout()
    {
        var text = Environment.GetEnvironmentVariable(TimeoutVariable);
        if (text is null) return TimeSpan.FromSeconds(60);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new MpiException($"{TimeoutVariable}={text} is not a positive number of seconds.");
    }
}

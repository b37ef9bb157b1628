using System.Runtime.InteropServices;

namespace Sharpformer.Distributed;

/// <summary>
/// The few functions and handles of Open MPI's C API that <see cref="MpiCommunicator"/> calls, resolved at run time with
/// <see cref="NativeLibrary"/> so that nothing MPI-related is loaded unless distributed training is asked for. Open MPI's
/// handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_ERRORS_RETURN) are the addresses of exported globals, and
/// MPI_IN_PLACE is the address 1.
/// </summary>
internal sealed unsafe class MpiNative
{
    /// <summary>Shared-library names tried in order: Open MPI 3/4 (Debian's libopenmpi3), the unversioned link, MPICH-era Open MPI.</summary>
    public static readonly string[] LibraryNames = ["libmpi.so.40", "libmpi.so", "libmpi.so.12"];

    /// <summary>MPI_THREAD_SERIALIZED in Open MPI: any thread may call MPI, one at a time.</summary>
    public const int ThreadSerialized = 2;

    /// <summary>MPI_IN_PLACE in Open MPI.</summary>
    public static readonly void* InPlace = (void*)1;

    private const int RtldNow = 2, RtldGlobal = 0x100;

    private MpiNative(IntPtr library)
    {
        IntPtr Export(string name) => NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new MpiException($"the MPI library has no symbol {name}; Sharpformer needs Open MPI (apt-get install openmpi-bin).");
        InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export("MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<IntPtr, IntPtr, int>)Export("MPI_Comm_set_errhandler");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        Allreduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int>)Export("MPI_Allreduce");
        Bcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int>)Export("MPI_Bcast");
        Barrier = (delegate* unmanaged<IntPtr, int>)Export("MPI_Barrier");
        CommWorld = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        Sum = Export("ompi_mpi_op_sum");
        ErrorsReturn = Export("ompi_mpi_errors_return");
    }

    /// <summary>int MPI_Init_thread(int *argc, char ***argv, int required, int *provided).</summary>
    public readonly delegate* unmanaged<int*, byte***, int, int*, int> InitThread;

    /// <summary>int MPI_Finalize(void).</summary>
    public readonly delegate* unmanaged<int> Finalize;

    /// <summary>int MPI_Comm_rank(MPI_Comm comm, int *rank).</summary>
    public readonly delegate* unmanaged<IntPtr, int*, int> CommRank;

    /// <summary>int MPI_Comm_size(MPI_Comm comm, int *size).</summary>
    public readonly delegate* unmanaged<IntPtr, int*, int> CommSize;

    /// <summary>int MPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler).</summary>
    public readonly delegate* unmanaged<IntPtr, IntPtr, int> CommSetErrhandler;

    /// <summary>int MPI_Error_string(int errorcode, char *string, int *resultlen).</summary>
    public readonly delegate* unmanaged<int, byte*, int*, int> ErrorString;

    /// <summary>int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype, MPI_Op, MPI_Comm).</summary>
    public readonly delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int> Allreduce;

    /// <summary>int MPI_Bcast(void *buffer, int count, MPI_Datatype, int root, MPI_Comm).</summary>
    public readonly delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int> Bcast;

    /// <summary>int MPI_Barrier(MPI_Comm comm).</summary>
    public readonly delegate* unmanaged<IntPtr, int> Barrier;

    /// <summary>MPI_COMM_WORLD.</summary>
    public IntPtr CommWorld { get; }

    /// <summary>MPI_FLOAT.</summary>
    public IntPtr Float { get; }

    /// <summary>MPI_SUM.</summary>
    public IntPtr Sum { get; }

    /// <summary>MPI_ERRORS_RETURN: failed calls return an error code instead of aborting the job.</summary>
    public IntPtr ErrorsReturn { get; }

    /// <summary>
    /// Loads the first library of <see cref="LibraryNames"/> that exists. It is opened with RTLD_GLOBAL, as mpi4py does,
    /// because Open MPI's plug-ins resolve their symbols against the already loaded libmpi.
    /// </summary>
    public static MpiNative Load()
    {
        foreach (var name in LibraryNames)
        {
            var handle = dlopen(name, RtldNow | RtldGlobal);
            if (handle != IntPtr.Zero) return new MpiNative(handle);
        }
        throw new MpiException($"--distributed mpi needs the MPI library ({string.Join(", ", LibraryNames)} not found); install Open MPI: apt-get install openmpi-bin.");
    }

    /// <summary>The text of MPI error code <paramref name="code"/>.</summary>
    public string Describe(int code)
    {
        var text = stackalloc byte[512]; // MPI_MAX_ERROR_STRING is 256 in Open MPI
        int length = 0;
        return ErrorString(code, text, &length) == 0 ? System.Text.Encoding.UTF8.GetString(text, length) : $"MPI error {code}";
    }

    /// <summary>Throws <see cref="MpiException"/> naming <paramref name="call"/> when <paramref name="code"/> is not MPI_SUCCESS.</summary>
    public void Check(int code, string call)
    {
        if (code != 0) throw new MpiException($"{call} failed: {Describe(code)} (a peer process may have died).");
    }

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);
}

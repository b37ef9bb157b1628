using System.CommandLine;
using Sharpformer.Distributed;

namespace Sharpformer.Cli;

/// <summary>`--distributed mpi`: data-parallel over the processes of an `mpirun` job; without it nothing of MPI is loaded.</summary>
internal static class DistributedOption
{
    /// <summary>Builds the option.</summary>
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--distributed")
        {
            Description = "Data-parallel training over MPI: launch with `mpirun -np N dotnet sharpformer.dll ... --distributed mpi` (Open MPI, apt-get install openmpi-bin).",
        };
        option.AcceptOnlyFromAmong("mpi");
        return option;
    }

    /// <summary>Joins the MPI job when <paramref name="value"/> is "mpi"; null (a single process) when the option is absent.</summary>
    public static MpiCommunicator? Start(string? value) => value is null ? null : MpiCommunicator.Start();
}

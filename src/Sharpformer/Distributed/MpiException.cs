namespace Sharpformer.Distributed;

/// <summary>
/// MPI is missing, was not launched by <c>mpirun</c>, or a collective failed (e.g. a peer process died); the message is
/// one line naming what is missing or which call failed and why.
/// </summary>
public sealed class MpiException(string message) : Exception(message);

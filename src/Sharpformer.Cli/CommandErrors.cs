using Sharpformer.Data;
using Sharpformer.IO;

namespace Sharpformer.Cli;

/// <summary>A mistake of the user (bad file, bad value) rather than a bug: printed as one line, exit code 1.</summary>
internal sealed class UserError(string message) : Exception(message);

/// <summary>
/// Turns user mistakes into one-line messages and exit codes instead of stack traces: bad input files and values exit 1
/// (argument parse errors exit 2 in <c>Program</c>); anything else is a bug and keeps its stack trace.
/// </summary>
internal static class CommandErrors
{
    /// <summary>Runs a command body, mapping user errors to "error: ..." on stderr and exit code 1.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Fails with a message naming <paramref name="path"/> when the file does not exist.</summary>
    public static void RequireFile(string path)
    {
        if (!File.Exists(path)) throw new UserError($"file not found: {path}");
    }

    private static bool IsUserError(Exception e) => e is UserError or DataFormatException or SafetensorsFormatException
        or IOException or InvalidDataException or ArgumentException
        or UnauthorizedAccessException or Training.TrainingDivergedException or Distributed.MpiException;
}

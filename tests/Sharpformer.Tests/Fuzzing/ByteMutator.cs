using System.Text;

namespace Sharpformer.Tests.Fuzzing;

/// <summary>
/// A seeded mutator of file contents for in-process fuzzing: bit flips, random bytes, truncation at every length class,
/// huge or negative numbers in place of digits, deep JSON nesting, invalid UTF-8 and duplicated lines. The same seed
/// gives the same mutants, so a failure names a reproducible (mutation, seed) pair.
/// </summary>
internal static class ByteMutator
{
    /// <summary>
    /// Mutants per seed file: 240 in the test suite, or SHARPFORMER_FUZZ_MUTANTS for a long campaign
    /// (<c>tools/fuzz/campaign.sh</c>).
    /// </summary>
    public static int MutantsPerSeed { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("SHARPFORMER_FUZZ_MUTANTS"), out int count) && count > 0 ? count : 240;

    /// <summary>The mutation kinds, in the order <see cref="Mutate"/> numbers them.</summary>
    public static readonly string[] Kinds = ["bit-flip", "random-bytes", "truncate", "huge-number", "negative-number", "deep-nesting", "invalid-utf8", "duplicate-line"];

    /// <summary>Mutant number <paramref name="seed"/> of <paramref name="original"/>, with the kind of mutation it is.</summary>
    public static (byte[] Bytes, string Kind) Mutate(byte[] original, int seed)
    {
        var rng = new Random(seed);
        string kind = Kinds[seed % Kinds.Length];
        var bytes = original.ToList();
        switch (kind)
        {
            case "bit-flip":
                for (int i = rng.Next(1, 4); i > 0; i--) { int at = rng.Next(bytes.Count); bytes[at] ^= (byte)(1 << rng.Next(8)); }
                break;
            case "random-bytes":
                for (int i = rng.Next(1, 9); i > 0; i--) bytes[rng.Next(bytes.Count)] = (byte)rng.Next(256);
                break;
            case "truncate":
                // every length class: empty, a few bytes, inside the header, anywhere
                int[] lengths = [0, 1, 7, 8, 9, rng.Next(Math.Min(64, bytes.Count)), rng.Next(bytes.Count)];
                bytes = bytes.Take(lengths[rng.Next(lengths.Length)]).ToList();
                break;
            case "huge-number":
            case "negative-number":
                return (ReplaceNumber(original, rng, kind == "huge-number" ? "99999999999999999999" : "-" + rng.NextInt64(1, 3_000_000_000).ToString()), kind);
            case "deep-nesting":
                var nesting = Encoding.ASCII.GetBytes(new string('[', 100_000) + new string(']', 100_000));
                bytes.InsertRange(rng.Next(bytes.Count + 1), nesting);
                break;
            case "invalid-utf8":
                bytes.InsertRange(rng.Next(bytes.Count + 1), new byte[][] { [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80] }[rng.Next(4)]);
                break;
            case "duplicate-line":
                var lines = Encoding.UTF8.GetString(original).Split('\n').ToList();
                int line = rng.Next(lines.Count);
                lines.Insert(line, lines[line]);
                return (Encoding.UTF8.GetBytes(string.Join('\n', lines)), kind);
        }
        return ([.. bytes], kind);
    }

    // A run of ASCII digits (a length, an offset, a size or a count) replaced by another number.
    private static byte[] ReplaceNumber(byte[] original, Random rng, string number)
    {
        var runs = new List<(int Start, int Length)>();
        for (int i = 0; i < original.Length; i++)
        {
            if (!char.IsAsciiDigit((char)original[i])) continue;
            int start = i;
            while (i < original.Length && char.IsAsciiDigit((char)original[i])) i++;
            runs.Add((start, i - start));
        }
        if (runs.Count == 0) return original;
        var (s, l) = runs[rng.Next(runs.Count)];
        return [.. original.Take(s), .. Encoding.ASCII.GetBytes(number), .. original.Skip(s + l)];
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// Walks the cache lines of the next source block in small steps between micro-kernel calls, prefetching them into
/// L2 so that streaming a large operand from memory overlaps the arithmetic instead of following it.
/// </summary>
internal unsafe struct GemmPrefetch
{
    private const int LineFloats = 16;

    private float* row;
    private nint ld;
    private int rowsLeft;
    private int lineInRow;
    private int linesPerRow;

    /// <summary>Starts a walk over <paramref name="rows"/> rows of <paramref name="rowFloats"/> floats spaced <paramref name="ld"/> apart.</summary>
    public GemmPrefetch(float* first, nint ld, int rows, int rowFloats)
    {
        row = first;
        this.ld = ld;
        rowsLeft = rowFloats > 0 ? rows : 0;
        linesPerRow = (rowFloats + LineFloats - 1) / LineFloats;
    }

    /// <summary>Gets the number of lines the whole walk covers.</summary>
    public readonly int TotalLines => rowsLeft * linesPerRow;

    /// <summary>Prefetches the next <paramref name="lines"/> cache lines of the block, if any remain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(int lines)
    {
        for (; lines > 0 && rowsLeft > 0; lines--)
        {
            Sse.Prefetch1(row + (lineInRow * LineFloats));
            if (++lineInRow == linesPerRow)
            {
                lineInRow = 0;
                row += ld;
                rowsLeft--;
            }
        }
    }
}

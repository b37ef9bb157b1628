namespace Sharpformer.IO;

/// <summary>The element types of the safetensors format; names follow the spec's dtype strings ("F32", "BF16", ...).</summary>
public enum SafetensorsDtype
{
    /// <summary>Boolean, one byte per element.</summary>
    Bool,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>8-bit float with 5 exponent and 2 mantissa bits.</summary>
    F8E5M2,
    /// <summary>8-bit float with 4 exponent and 3 mantissa bits.</summary>
    F8E4M3,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16,
    /// <summary>IEEE half precision float.</summary>
    F16,
    /// <summary>bfloat16: the upper 16 bits of a float32.</summary>
    BF16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32,
    /// <summary>IEEE single precision float.</summary>
    F32,
    /// <summary>IEEE double precision float.</summary>
    F64,
    /// <summary>Signed 64-bit integer (PyTorch's default for token ids).</summary>
    I64,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64,
}

/// <summary>Conversions between <see cref="SafetensorsDtype"/> and the header's dtype strings, and element sizes.</summary>
public static class SafetensorsDtypes
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.Bool or SafetensorsDtype.U8 or SafetensorsDtype.I8
            or SafetensorsDtype.F8E5M2 or SafetensorsDtype.F8E4M3 => 1,
        SafetensorsDtype.I16 or SafetensorsDtype.U16 or SafetensorsDtype.F16 or SafetensorsDtype.BF16 => 2,
        SafetensorsDtype.I32 or SafetensorsDtype.U32 or SafetensorsDtype.F32 => 4,
        SafetensorsDtype.F64 or SafetensorsDtype.I64 or SafetensorsDtype.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>The dtype string written in the header, e.g. "BF16" or "F8_E4M3".</summary>
    public static string HeaderName(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.Bool => "BOOL",
        SafetensorsDtype.F8E5M2 => "F8_E5M2",
        SafetensorsDtype.F8E4M3 => "F8_E4M3",
        _ => dtype.ToString(),
    };

    /// <summary>Parses a header dtype string; false for strings the format does not define.</summary>
    public static bool TryParse(string name, out SafetensorsDtype dtype)
    {
        foreach (var candidate in Enum.GetValues<SafetensorsDtype>())
        {
            if (candidate.HeaderName() == name)
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }
}

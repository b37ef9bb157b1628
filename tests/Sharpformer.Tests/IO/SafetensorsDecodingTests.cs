using System.Runtime.InteropServices;
using Sharpformer.IO;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.IO;

public sealed class SafetensorsDecodingTests
{
    private static byte[] Bytes<T>(params T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    [Fact]
    public void F16_data_is_widened_to_float32()
    {
        // 1, -2, 0.5, the largest half (65504), +infinity and the smallest subnormal (2^-24).
        var data = Bytes<ushort>(0x3C00, 0xC000, 0x3800, 0x7BFF, 0x7C00, 0x0001);
        using var file = SafetensorsBytes.Open(SafetensorsBytes.Single("h", "F16", [2, 3], data));

        var tensor = file.ReadTensor("h");
        Assert.Equal(SafetensorsDtype.F16, file.GetEntry("h").Dtype);
        Assert.Equal([2, 3], tensor.Shape.ToArray());
        Assert.Equal([1f, -2f, 0.5f, 65504f, float.PositiveInfinity, MathF.Pow(2, -24)], tensor.ToArray());
    }

    [Fact]
    public void BF16_data_becomes_the_top_half_of_float32_bits()
    {
        // 1, -2, 3.140625 (pi rounded to bfloat16), 0.15625, +infinity, -0.
        var data = Bytes<ushort>(0x3F80, 0xC000, 0x4049, 0x3E20, 0x7F80, 0x8000);
        using var file = SafetensorsBytes.Open(SafetensorsBytes.Single("b", "BF16", [6], data));

        var values = file.ReadTensor("b").ToArray();
        Assert.Equal([1f, -2f, 3.140625f, 0.15625f, float.PositiveInfinity, -0f], values);
        Assert.True(float.IsNegative(values[5]), "0x8000 is negative zero");
    }

    [Fact]
    public void F64_data_is_rounded_to_float32()
    {
        var data = Bytes(1.5, -1e-3, 1e300);
        using var file = SafetensorsBytes.Open(SafetensorsBytes.Single("d", "F64", [3], data));
        Assert.Equal([1.5f, -1e-3f, float.PositiveInfinity], file.ReadTensor("d").ToArray());
    }

    [Fact]
    public void I64_values_outside_the_int_range_are_refused_by_name()
    {
        using var file = SafetensorsBytes.Open(SafetensorsBytes.Single("ids", "I64", [3], Bytes(1L, -7L, 5_000_000_000L)));
        var error = Assert.Throws<InvalidDataException>(() => file.ReadIntTensor("ids"));
        Assert.Contains("'ids'", error.Message);
        Assert.Contains("5000000000", error.Message);
        Assert.Contains("<stream>", error.Message);
    }

    [Fact]
    public void Reading_integers_as_floats_or_floats_as_integers_names_the_dtype()
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter().Add("ids", new IntTensor([1])).Add("w", Tensor.Ones(1)));
        using var file = SafetensorsBytes.Open(bytes);

        var asFloat = Assert.Throws<InvalidOperationException>(() => file.ReadTensor("ids"));
        Assert.Contains("I64", asFloat.Message);
        Assert.Contains("ReadIntTensor", asFloat.Message);
        var asInt = Assert.Throws<InvalidOperationException>(() => file.ReadIntTensor("w"));
        Assert.Contains("F32", asInt.Message);
    }

    [Fact]
    public void Known_dtypes_that_Sharpformer_cannot_load_still_open()
    {
        using var file = SafetensorsBytes.Open(SafetensorsBytes.Single("mask", "BOOL", [4], [1, 0, 0, 1]));
        Assert.Equal(SafetensorsDtype.Bool, file.GetEntry("mask").Dtype);
        var error = Assert.Throws<InvalidOperationException>(() => file.ReadTensor("mask"));
        Assert.Contains("BOOL", error.Message);
    }

    [Fact]
    public void A_missing_tensor_is_reported_with_its_name_and_the_file()
    {
        using var file = SafetensorsBytes.Open(SafetensorsBytes.Write(new SafetensorsWriter().Add("w", Tensor.Ones(1))));
        Assert.False(file.Contains("bias"));
        var error = Assert.Throws<KeyNotFoundException>(() => file.ReadTensor("bias"));
        Assert.Contains("'bias'", error.Message);
        Assert.Contains("<stream>", error.Message);
    }

    [Fact]
    public void Headers_padded_with_spaces_and_null_metadata_are_accepted()
    {
        var header = """{ "__metadata__" : null, "w" : { "dtype" : "F32", "shape" : [1], "data_offsets" : [0, 4] } }       """;
        using var file = SafetensorsBytes.Open(SafetensorsBytes.Build(header, Bytes(2.5f)));
        Assert.Empty(file.Metadata);
        Assert.Equal([2.5f], file.ReadTensor("w").ToArray());
    }

    [Theory]
    [InlineData("BOOL", SafetensorsDtype.Bool, 1)]
    [InlineData("F8_E5M2", SafetensorsDtype.F8E5M2, 1)]
    [InlineData("F8_E4M3", SafetensorsDtype.F8E4M3, 1)]
    [InlineData("BF16", SafetensorsDtype.BF16, 2)]
    [InlineData("U32", SafetensorsDtype.U32, 4)]
    [InlineData("I64", SafetensorsDtype.I64, 8)]
    public void Dtype_names_and_sizes_follow_the_spec(string name, SafetensorsDtype dtype, int size)
    {
        Assert.True(SafetensorsDtypes.TryParse(name, out var parsed));
        Assert.Equal(dtype, parsed);
        Assert.Equal(name, dtype.HeaderName());
        Assert.Equal(size, dtype.ElementSize());
    }
}

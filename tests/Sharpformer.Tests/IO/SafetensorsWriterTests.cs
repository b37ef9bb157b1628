using System.Buffers.Binary;
using Sharpformer.IO;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.IO;

public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("w")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("abcd")]
    [InlineData("abcde")]
    [InlineData("abcdef")]
    [InlineData("abcdefg")]
    [InlineData("abcdefgh")]
    public void The_data_section_starts_on_an_8_byte_boundary(string name)
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter().Add(name, Tensor.Ones(3)));
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);

        Assert.Equal(0UL, (8 + headerLength) % 8);
        Assert.Equal(8 + (long)headerLength + 12, bytes.Length);
        Assert.EndsWith("}", SafetensorsBytes.Header(bytes).TrimEnd(' '));
    }

    [Fact]
    public void Tensors_are_laid_out_contiguously_widest_dtype_first_then_by_name()
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter()
            .Add("z.odd", Tensor.Ones(3))
            .Add("a.ids", new IntTensor([1, 2]))
            .Add("m.small_ids", new IntTensor([3]), SafetensorsDtype.I32)
            .Add("b.weight", Tensor.Ones(1)));

        using var file = SafetensorsBytes.Open(bytes);
        Assert.Equal(["a.ids", "b.weight", "m.small_ids", "z.odd"], file.Names);
        long expectedBegin = 0;
        foreach (var entry in file.Entries)
        {
            Assert.Equal(expectedBegin, entry.DataBegin);
            Assert.Equal(0, entry.DataBegin % entry.Dtype.ElementSize());
            expectedBegin = entry.DataEnd;
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(bytes.Length - 8 - (long)headerLength, expectedBegin);
    }

    [Fact]
    public void Saving_replaces_an_existing_file_and_leaves_no_temporary_file()
    {
        var path = _directory.File("ckpt.safetensors");
        File.WriteAllText(path, "old contents");

        new SafetensorsWriter().Add("w", Tensor.Full(4f, 2)).Save(path);

        Assert.Equal(["ckpt.safetensors"], _directory.FileNames());
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([4f, 4f], file.ReadTensor("w").ToArray());
    }

    [Fact]
    public void A_save_that_fails_midway_keeps_the_previous_file_and_cleans_up()
    {
        var path = _directory.File("ckpt.safetensors");
        new SafetensorsWriter().Add("w", Tensor.Full(1f, 2)).Save(path);
        var previous = File.ReadAllBytes(path);
        Tensor released;
        using (new TensorScope()) released = Tensor.Ones(4);

        var writer = new SafetensorsWriter().Add("a.fine", Tensor.Ones(8)).Add("b.released", released);
        Assert.Throws<ObjectDisposedException>(() => writer.Save(path));

        Assert.Equal(["ckpt.safetensors"], _directory.FileNames());
        Assert.Equal(previous, File.ReadAllBytes(path));
    }

    [Fact]
    public void Names_must_be_unique_and_not_the_metadata_key()
    {
        var writer = new SafetensorsWriter().Add("w", Tensor.Ones(1));
        Assert.Contains("'w'", Assert.Throws<ArgumentException>(() => writer.Add("w", new IntTensor([1]))).Message);
        Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", Tensor.Ones(1)));
        writer.AddMetadata("k", "v");
        Assert.Throws<ArgumentException>(() => writer.AddMetadata("k", "other"));
    }

    [Fact]
    public void Integer_tensors_are_stored_only_as_I64_or_I32()
    {
        var error = Assert.Throws<ArgumentException>(() => new SafetensorsWriter().Add("ids", new IntTensor([1]), SafetensorsDtype.F32));
        Assert.Contains("F32", error.Message);
    }
}

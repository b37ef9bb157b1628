using System.Buffers.Binary;
using System.Text;
using Sharpformer.IO;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.IO;

/// <summary>Every way a file can break the format must end in a <see cref="SafetensorsFormatException"/> naming the file and the problem.</summary>
public sealed class SafetensorsMalformedFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static SafetensorsFormatException Rejects(byte[] file)
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsBytes.Open(file).Dispose());
        Assert.Equal("<stream>", error.FileName);
        Assert.Contains("'<stream>'", error.Message);
        return error;
    }

    private static SafetensorsFormatException RejectsHeader(string headerJson, int dataLength = 16) =>
        Rejects(SafetensorsBytes.Build(headerJson, new byte[dataLength]));

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void A_file_shorter_than_the_length_prefix_is_truncated(int length)
    {
        Assert.Contains("truncated", Rejects(new byte[length]).Message);
    }

    [Fact]
    public void A_header_length_past_the_end_of_the_file_is_refused()
    {
        var file = SafetensorsBytes.Build("{}", []);
        BinaryPrimitives.WriteUInt64LittleEndian(file, 3);
        var message = Rejects(file).Message;
        Assert.Contains("header length 3", message);
        Assert.Contains("past the end", message);
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    [InlineData(int.MaxValue + 1UL)]
    public void A_hostile_header_length_is_refused_before_anything_is_allocated(ulong headerLength)
    {
        var file = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength);
        Assert.Contains($"header length {headerLength}", Rejects(file).Message);
    }

    [Fact]
    public void A_header_longer_than_the_limit_is_refused_even_when_the_file_is_that_long()
    {
        var path = _directory.File("huge.safetensors");
        using (var stream = File.Create(path))
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, SafetensorsHeader.MaxLength + 1);
            stream.Write(prefix);
            stream.SetLength(SafetensorsHeader.MaxLength + 64); // sparse: no data is actually written
        }
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("exceeds the limit", error.Message);
    }

    [Theory]
    [InlineData("{\"w\": {\"dtype\": \"F32\",")]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("{} trailing")]
    public void A_header_that_is_not_JSON_is_refused(string header)
    {
        Assert.Contains("not valid JSON", RejectsHeader(header).Message);
    }

    [Fact]
    public void A_header_that_is_not_UTF8_is_refused()
    {
        var header = Encoding.UTF8.GetBytes("{\"w\xff\":{}}");
        header[3] = 0xFF;
        Assert.Contains("UTF-8", Rejects(SafetensorsBytes.Build(header, [])).Message);
    }

    [Theory]
    [InlineData("[1, 2]", "array")]
    [InlineData("\"text\"", "string")]
    [InlineData("42", "number")]
    public void A_header_that_is_not_a_JSON_object_is_refused(string header, string found)
    {
        var message = RejectsHeader(header).Message;
        Assert.Contains("must be a JSON object", message);
        Assert.Contains(found, message);
    }

    [Theory]
    [InlineData("dtype", """{"w":{"shape":[1],"data_offsets":[0,4]}}""")]
    [InlineData("shape", """{"w":{"dtype":"F32","data_offsets":[0,4]}}""")]
    [InlineData("data_offsets", """{"w":{"dtype":"F32","shape":[1]}}""")]
    public void An_entry_missing_a_field_is_refused(string field, string header)
    {
        var message = RejectsHeader(header).Message;
        Assert.Contains("'w'", message);
        Assert.Contains($"missing the field \"{field}\"", message);
    }

    [Fact]
    public void An_entry_that_is_not_an_object_is_refused()
    {
        Assert.Contains("entry 'w' must be a JSON object", RejectsHeader("""{"w":[0,4]}""").Message);
    }

    [Theory]
    [InlineData("\"F128\"")]
    [InlineData("\"f32\"")]
    [InlineData("32")]
    public void An_unknown_dtype_is_refused(string dtype)
    {
        var message = RejectsHeader($$$"""{"w":{"dtype":{{{dtype}}},"shape":[1],"data_offsets":[0,4]}}""").Message;
        Assert.Contains($"unknown dtype {dtype}", message);
    }

    [Theory]
    [InlineData("[2, 3]", "[0,16]", "24 bytes")]
    [InlineData("[]", "[0,8]", "4 bytes")]
    [InlineData("[2147483647, 2147483647, 2147483647]", "[0,16]", "more than 2^63")]
    public void A_shape_that_does_not_match_the_byte_range_is_refused(string shape, string offsets, string needs)
    {
        var message = RejectsHeader($$$"""{"w":{"dtype":"F32","shape":{{{shape}}},"data_offsets":{{{offsets}}}}}""").Message;
        Assert.Contains("size mismatch", message);
        Assert.Contains(needs, message);
    }

    [Fact]
    public void Offsets_past_the_end_of_the_data_are_out_of_bounds()
    {
        var message = RejectsHeader("""{"w":{"dtype":"F32","shape":[5],"data_offsets":[0,20]}}""", dataLength: 16).Message;
        Assert.Contains("out of bounds", message);
        Assert.Contains("16-byte data section", message);
    }

    [Fact]
    public void Offsets_whose_begin_is_past_their_end_are_refused()
    {
        var message = RejectsHeader("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""").Message;
        Assert.Contains("[8, 4]", message);
        Assert.Contains("begin is past its end", message);
    }

    [Theory]
    [InlineData("[0]")]
    [InlineData("[0, 4, 8]")]
    [InlineData("[-4, 0]")]
    [InlineData("[0, 4.5]")]
    [InlineData("[0, 99999999999999999999999]")]
    [InlineData("\"0-4\"")]
    public void Offsets_that_are_not_two_non_negative_integers_are_refused(string offsets)
    {
        var message = RejectsHeader($$$"""{"w":{"dtype":"U8","shape":[4],"data_offsets":{{{offsets}}}}}""").Message;
        Assert.Contains("not two non-negative 64-bit integers", message);
    }

    [Fact]
    public void Overlapping_tensors_are_refused()
    {
        var header = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """;
        var message = RejectsHeader(header).Message;
        Assert.Contains("overlap", message);
        Assert.Contains("'a' [0, 8]", message);
        Assert.Contains("'b' [4, 12]", message);
    }

    [Fact]
    public void Zero_size_tensors_may_share_an_offset_with_their_neighbours()
    {
        var header = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "e":{"dtype":"F32","shape":[0],"data_offsets":[8,8]},
             "f":{"dtype":"I64","shape":[0, 3],"data_offsets":[8,8]},
             "b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}
            """;
        using var file = SafetensorsBytes.Open(SafetensorsBytes.Build(header, new byte[16]));
        Assert.Equal(["a", "e", "f", "b"], file.Names);
    }

    [Theory]
    [InlineData("[2, -1]", "negative dimension -1")]
    [InlineData("[2.5]", "not a JSON array of integers")]
    [InlineData("4", "not a JSON array of integers")]
    [InlineData("[4294967296]", "larger than")]
    public void Bad_dimensions_are_refused(string shape, string problem)
    {
        var message = RejectsHeader($$$"""{"w":{"dtype":"U8","shape":{{{shape}}},"data_offsets":[0,4]}}""").Message;
        Assert.Contains(problem, message);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""")]
    [InlineData("""{"__metadata__":{},"__metadata__":{}}""")]
    [InlineData("""{"__metadata__":{"k":"a","k":"b"}}""")]
    public void Duplicate_names_are_refused(string header)
    {
        Assert.Contains("duplicate name", RejectsHeader(header).Message);
    }

    [Theory]
    [InlineData("""{"__metadata__":{"step":10}}""", "key 'step' must be a JSON string")]
    [InlineData("""{"__metadata__":["a"]}""", "must be a JSON object of strings")]
    public void Metadata_that_is_not_string_to_string_is_refused(string header, string problem)
    {
        var message = RejectsHeader(header).Message;
        Assert.Contains("__metadata__", message);
        Assert.Contains(problem, message);
    }

    [Fact]
    public void Errors_from_a_path_name_the_path()
    {
        var path = _directory.File("broken.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.Build("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,4]}}""", new byte[4]));
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Equal(path, error.FileName);
        Assert.StartsWith($"Invalid safetensors file '{path}': ", error.Message);
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_is_refused()
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter()
            .Add("w", Tensor.Ones(3, 2)).Add("ids", new IntTensor([1, 2, 3])).AddMetadata("k", "v"));
        for (int length = 0; length < bytes.Length; length++)
            Assert.Throws<SafetensorsFormatException>(() => SafetensorsBytes.Open(bytes[..length]).Dispose());
    }

    [Fact]
    public void Random_corruption_never_escapes_as_anything_but_a_clear_error()
    {
        var valid = SafetensorsBytes.Write(new SafetensorsWriter()
            .Add("w", Tensor.Ones(3, 2)).Add("ids", new IntTensor([1, 2, 3])).Add("small", new IntTensor([4]), SafetensorsDtype.I32)
            .AddMetadata("k", "v"));
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var rng = new Rng(2024);
        int rejected = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])valid.Clone();
            for (int flips = 1 + rng.NextInt(3); flips > 0; flips--)
                bytes[rng.NextInt(headerEnd)] = (byte)rng.NextInt(256);
            try
            {
                using var file = SafetensorsBytes.Open(bytes);
                foreach (var entry in file.Entries)
                {
                    if (entry.Dtype is SafetensorsDtype.I64 or SafetensorsDtype.I32) file.ReadIntTensor(entry.Name);
                    else file.ReadTensor(entry.Name);
                }
            }
            catch (Exception e) when (e is SafetensorsFormatException or InvalidOperationException or InvalidDataException)
            {
                rejected++;
            }
        }
        Assert.InRange(rejected, 1000, 3000); // most corruptions must be caught, and none may escape as another exception type
    }
}

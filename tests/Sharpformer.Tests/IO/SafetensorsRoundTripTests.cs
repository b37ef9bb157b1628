using Sharpformer.IO;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.IO;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Float_tensors_come_back_with_their_names_shapes_and_values()
    {
        var rng = new Rng(7);
        var weight = Tensor.Randn(rng, 3, 4, 5);
        var bias = Tensor.Randn(rng, 7);
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter().Add("layer.weight", weight).Add("layer.bias", bias));

        using var file = SafetensorsBytes.Open(bytes);
        Assert.Equal(["layer.bias", "layer.weight"], file.Names);
        Assert.All(file.Entries, e => Assert.Equal(SafetensorsDtype.F32, e.Dtype));
        var readWeight = file.ReadTensor("layer.weight");
        Assert.Equal([3, 4, 5], readWeight.Shape.ToArray());
        Assert.Equal(weight.ToArray(), readWeight.ToArray());
        Assert.Equal(bias.ToArray(), file.ReadTensor("layer.bias").ToArray());
    }

    [Theory]
    [InlineData(SafetensorsDtype.I64)]
    [InlineData(SafetensorsDtype.I32)]
    public void Int_tensors_come_back_exactly_in_either_width(SafetensorsDtype dtype)
    {
        var ids = new IntTensor([0, 1, -1, int.MaxValue, int.MinValue, 50257], 2, 3);
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter().Add("input_ids", ids, dtype));

        using var file = SafetensorsBytes.Open(bytes);
        var entry = file.GetEntry("input_ids");
        Assert.Equal(dtype, entry.Dtype);
        Assert.Equal(6L * dtype.ElementSize(), entry.DataEnd - entry.DataBegin);
        var read = file.ReadIntTensor("input_ids");
        Assert.Equal([2, 3], read.Shape.ToArray());
        Assert.Equal(ids.Data, read.Data);
    }

    [Fact]
    public void Int_tensors_are_written_as_I64_by_default_like_PyTorch_token_ids()
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter().Add("ids", new IntTensor([1, 2, 3])));
        using var file = SafetensorsBytes.Open(bytes);
        Assert.Equal(SafetensorsDtype.I64, file.GetEntry("ids").Dtype);
    }

    [Fact]
    public void Metadata_comes_back_verbatim()
    {
        var config = """{"d_model": 32, "note": "quotes \" and \\ and ünïcödé"}""";
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter()
            .AddMetadata("format", "pt")
            .AddMetadata("config", config)
            .Add("w", Tensor.Ones(2)));

        using var file = SafetensorsBytes.Open(bytes);
        Assert.Equal(2, file.Metadata.Count);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(config, file.Metadata["config"]);
        Assert.Equal(["w"], file.Names);
    }

    [Fact]
    public void A_file_without_metadata_or_tensors_is_valid()
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter());
        using var file = SafetensorsBytes.Open(bytes);
        Assert.Empty(file.Names);
        Assert.Empty(file.Metadata);
        Assert.DoesNotContain("__metadata__", SafetensorsBytes.Header(bytes));
    }

    [Fact]
    public void A_scalar_keeps_its_empty_shape()
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter().Add("loss", Tensor.Scalar(3.5f)));
        Assert.Contains("\"shape\":[]", SafetensorsBytes.Header(bytes));

        using var file = SafetensorsBytes.Open(bytes);
        Assert.Equal(1, file.GetEntry("loss").ElementCount);
        var loss = file.ReadTensor("loss");
        Assert.Equal(0, loss.Rank);
        Assert.Equal(3.5f, loss.Item());
    }

    [Fact]
    public void Zero_size_tensors_keep_their_shapes_and_take_no_bytes()
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter()
            .Add("empty_floats", Tensor.Zeros(0, 4))
            .Add("empty_ids", new IntTensor([], 3, 0))
            .Add("after", Tensor.Full(2f, 2)));

        using var file = SafetensorsBytes.Open(bytes);
        var entry = file.GetEntry("empty_floats");
        Assert.Equal(0, entry.ElementCount);
        Assert.Equal(entry.DataBegin, entry.DataEnd);
        Assert.Equal([0, 4], file.ReadTensor("empty_floats").Shape.ToArray());
        Assert.Equal([3, 0], file.ReadIntTensor("empty_ids").Shape.ToArray());
        Assert.Equal([2f, 2f], file.ReadTensor("after").ToArray());
    }

    [Fact]
    public void Tensors_larger_than_one_read_and_write_chunk_come_back_whole()
    {
        var rng = new Rng(11);
        var big = Tensor.Randn(rng, 600_001);
        var ids = new IntTensor(Enumerable.Range(-150_000, 300_003).ToArray());
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter().Add("big", big).Add("ids", ids));

        using var file = SafetensorsBytes.Open(bytes);
        Assert.Equal(big.ToArray(), file.ReadTensor("big").ToArray());
        Assert.Equal(ids.Data, file.ReadIntTensor("ids").Data);
    }

    [Fact]
    public void Saving_to_a_path_and_opening_it_round_trips()
    {
        var path = _directory.File("model.safetensors");
        var weight = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        new SafetensorsWriter().Add("w", weight).AddMetadata("step", "10").Save(path);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(path, file.Source);
        Assert.Equal("10", file.Metadata["step"]);
        Assert.Equal(weight.ToArray(), file.ReadTensor("w").ToArray());
    }

    [Fact]
    public void A_file_is_read_from_the_current_position_of_a_stream()
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter().Add("w", Tensor.FromArray([5f, 6f], 2)));
        var stream = new MemoryStream();
        stream.Write([0xDE, 0xAD, 0xBE]);
        stream.Write(bytes);
        stream.Position = 3;

        using var file = SafetensorsFile.Open(stream);
        Assert.Equal(SafetensorsFile.StreamSource, file.Source);
        Assert.Equal([5f, 6f], file.ReadTensor("w").ToArray());
    }

    [Fact]
    public void Disposing_closes_the_stream_unless_asked_to_leave_it_open()
    {
        var bytes = SafetensorsBytes.Write(new SafetensorsWriter().Add("w", Tensor.Ones(1)));
        var kept = new MemoryStream(bytes);
        var closed = new MemoryStream(bytes);

        SafetensorsFile.Open(kept, leaveOpen: true).Dispose();
        var file = SafetensorsFile.Open(closed);
        file.Dispose();

        Assert.True(kept.CanRead);
        Assert.False(closed.CanRead);
        Assert.Throws<ObjectDisposedException>(() => file.ReadTensor("w"));
    }
}

using System.Buffers.Binary;
using System.Text;
using Sharpformer.IO;

namespace Sharpformer.Tests.IO;

/// <summary>Builds safetensors files byte by byte, so tests control every field a writer would normally get right.</summary>
internal static class SafetensorsBytes
{
    /// <summary>The 8-byte length prefix, the UTF-8 <paramref name="headerJson"/> and the raw <paramref name="data"/>.</summary>
    public static byte[] Build(string headerJson, byte[] data) => Build(Encoding.UTF8.GetBytes(headerJson), data);

    /// <summary>The 8-byte length prefix, the raw header bytes and the raw data.</summary>
    public static byte[] Build(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>A file holding one tensor whose raw bytes are <paramref name="data"/>.</summary>
    public static byte[] Single(string name, string dtype, int[] shape, byte[] data) =>
        Build($$$"""{"{{{name}}}":{"dtype":"{{{dtype}}}","shape":[{{{string.Join(",", shape)}}}],"data_offsets":[0,{{{data.Length}}}]}}""", data);

    /// <summary>Opens in-memory bytes the way a caller with a stream would.</summary>
    public static SafetensorsFile Open(byte[] file) => SafetensorsFile.Open(new MemoryStream(file, writable: false));

    /// <summary>The bytes <see cref="SafetensorsWriter.WriteTo"/> produces.</summary>
    public static byte[] Write(SafetensorsWriter writer)
    {
        var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>The header JSON of a file, padding included.</summary>
    public static string Header(byte[] file) =>
        Encoding.UTF8.GetString(file, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(file));
}

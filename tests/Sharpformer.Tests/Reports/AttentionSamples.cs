using Sharpformer.Reports;

namespace Sharpformer.Tests.Reports;

/// <summary>Small attention maps with known weights for the report tests.</summary>
internal static class AttentionSamples
{
    /// <summary>Splits <paramref name="text"/> into one token per character, as a character-level tokenizer would.</summary>
    public static string[] Characters(string text) => text.EnumerateRunes().Select(r => r.ToString()).ToArray();

    /// <summary>A <paramref name="queries"/>×<paramref name="keys"/> head whose rows are a distinct, seeded softmax-like distribution.</summary>
    public static float[,] Head(int queries, int keys, int seed)
    {
        var random = new Random(seed);
        var head = new float[queries, keys];
        for (int q = 0; q < queries; q++)
        {
            var row = Enumerable.Range(0, keys).Select(_ => random.NextDouble() + 0.01).ToArray();
            double sum = row.Sum();
            for (int k = 0; k < keys; k++)
                head[q, k] = (float)(row[k] / sum);
        }
        return head;
    }

    /// <summary>A layer over the given tokens with <paramref name="heads"/> seeded heads.</summary>
    public static AttentionMap Layer(string title, IReadOnlyList<string> queries, IReadOnlyList<string> keys, int heads, int seed = 1) =>
        new(title, queries, keys, Enumerable.Range(0, heads).Select(h => Head(queries.Count, keys.Count, seed * 100 + h)).ToArray());

    /// <summary>Encoder, decoder and cross attention over a Chinese source and target, two layers of two heads each.</summary>
    public static AttentionGroup[] Translation()
    {
        var source = Characters("山区公路积雪3米,断电");
        var target = Characters("派3台除雪车至A7公路");
        AttentionGroup Group(string name, string[] queries, string[] keys) =>
            new(name, [Layer("Layer 1", queries, keys, 2, 1), Layer("Layer 2", queries, keys, 2, 2)]);
        return [Group("Encoder self-attention", source, source), Group("Decoder self-attention", target, target), Group("Cross-attention", target, source)];
    }
}

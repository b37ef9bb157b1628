namespace Sharpformer.Reports;

/// <summary>
/// The sequential white-to-dark-blue colour scale for weights in [0, 1] (ColorBrewer "Blues" starting at pure white),
/// interpolated linearly in sRGB between equally spaced stops, which is also how SVG and CSS gradients interpolate.
/// </summary>
internal static class AttentionPalette
{
    /// <summary>The stops from weight 0 to weight 1, each darker than the one before.</summary>
    public static IReadOnlyList<string> Stops { get; } =
        ["#ffffff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"];

    private static readonly (int R, int G, int B)[] Rgb = Stops.Select(Parse).ToArray();

    /// <summary>The <c>#rrggbb</c> fill for <paramref name="weight"/>, clamped to [0, 1].</summary>
    public static string Colour(float weight)
    {
        double position = Math.Clamp(weight, 0f, 1f) * (Rgb.Length - 1);
        int lower = Math.Min((int)position, Rgb.Length - 2);
        double t = position - lower;
        var (a, b) = (Rgb[lower], Rgb[lower + 1]);
        return $"#{Mix(a.R, b.R, t):x2}{Mix(a.G, b.G, t):x2}{Mix(a.B, b.B, t):x2}";
    }

    private static int Mix(int from, int to, double t) => (int)Math.Round(from + (to - from) * t);

    private static (int R, int G, int B) Parse(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));
}

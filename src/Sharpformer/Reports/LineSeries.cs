namespace Sharpformer.Reports;

/// <summary>One named curve of a <see cref="LineChart"/>: its points in drawing order; dashed curves mark a reference (e.g. PyTorch).</summary>
public sealed record LineSeries(string Name, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false);

using System.Text;
using Sharpformer.Autograd;
using Sharpformer.Benchmarks;
using Sharpformer.Kernels;
using Sharpformer.Reports;
using Sharpformer.Tensors;

namespace Sharpformer.Experiments;

/// <summary>
/// Table 1's per-layer complexity, measured: forward time of self-attention and of a recurrent layer as n grows at
/// fixed d and as d grows at fixed n, with the exponents fitted on log-log axes (<see cref="LogLogFit"/>) beside the
/// paper's O(n²·d) for self-attention and O(n·d²) for recurrence.
/// </summary>
public sealed class ComplexityExperiment : IExperiment
{
    private const int Batch = 4, Heads = 4;

    /// <inheritdoc />
    public string Name => "complexity";

    /// <inheritdoc />
    public string Title => "Complexity: measured exponents against Table 1";

    /// <summary>Layers timed, with the exponents of n and d that Table 1's costs predict for them.</summary>
    private static readonly (string Name, Func<int, Rng, SequenceLayer> Create, string TheoryN, string TheoryD)[] Layers =
    [
        ("attention-core", (d, rng) => SequenceLayer.AttentionCore(d, Heads, rng), "2", "1"),
        ("self-attention", (d, rng) => SequenceLayer.SelfAttention(d, Heads, rng), "2 (n²·d) once n ≫ d, 1 below", "1 (n²·d) once d ≪ n, 2 (projections n·d²) above"),
        ("lstm", (d, rng) => SequenceLayer.Lstm(d, rng), "1", "2"),
    ];

    /// <inheritdoc />
    public string Run(ExperimentContext context)
    {
        int fixedD = context.Quick ? 64 : 128, fixedN = context.Quick ? 64 : 512;
        int[] ns = context.Quick ? [32, 64, 128] : [64, 128, 256, 512, 1024, 2048];
        int[] ds = context.Quick ? [32, 64, 128] : [64, 128, 256, 512, 1024];
        var rng = new Rng(context.Seed);
        var table = new CsvTable("sweep", "layer", "batch", "n", "d", "ms_forward");
        using (KernelThreads.Use(1))
        {
            foreach (var (_, create, _, _) in Layers)   // tier the JIT up on every path before anything is timed
                Time(create(fixedD, rng), ns[0], fixedD, rng, warmup: 3);
            foreach (var (_, create, _, _) in Layers)
            {
                var atFixedD = create(fixedD, rng);
                foreach (int n in ns) Record(table, "n", atFixedD, n, fixedD, rng, context);
                foreach (int d in ds) Record(table, "d", create(d, rng), fixedN, d, rng, context);
            }
        }
        table.Write(context.PathOf("complexity.csv"));

        var fits = new CsvTable("layer", "sweep", "fitted_points", "measured_slope", "r_squared", "theoretical_exponent");
        foreach (var (name, _, theoryN, theoryD) in Layers)
            foreach (var (sweep, theory) in new[] { ("n", theoryN), ("d", theoryD) })
            {
                var points = Points(table, name, sweep);
                var upper = points.Skip((points.Count - 1) / 2).ToList();
                var fit = LogLogFit.Fit(upper);
                fits.Add(name, sweep, $"{sweep} = {string.Join(" ", upper.Select(p => CsvTable.Cell(p.X)))}", fit.Slope, fit.RSquared, theory);
            }
        fits.Write(context.PathOf("complexity_fit.csv"));

        var md = new StringBuilder();
        md.Append($"Forward pass only (no autograd recording), 1 thread, batch {Batch}, {Heads} heads, random inputs; median of 5 runs after a warm-up. ");
        md.Append($"`attention-core` is softmax(QKᵀ/√d_k)V alone (Q = K = V = the input split into heads), `self-attention` the whole multi-head layer ");
        md.Append("with its four d×d projections, which add n·d² to the n²·d of the core; `lstm` is one LSTM layer with input and hidden size d. ");
        md.Append($"n sweep at d = {fixedD}, d sweep at n = {fixedN}. Slopes are least-squares fits of log time against log n (or d) over the ");
        md.Append("upper half of each sweep (the points named in the table), where fixed per-call overheads matter least. ");
        md.Append("Raw rows: [complexity.csv](complexity.csv); fits: [complexity_fit.csv](complexity_fit.csv).\n\n");
        foreach (var (sweep, label, fixedText) in new[] { ("n", "sequence length n (tokens)", $"d = {fixedD}"), ("d", "model width d (features)", $"n = {fixedN}") })
            md.Append(context.Figure($"complexity_{sweep}.svg", new LineChart
            {
                Title = $"Forward time against {sweep} ({fixedText}, 1 thread)", XLabel = label, YLabel = "forward time (ms)", LogX = true, LogY = true,
                Series = [.. Layers.Select(l => new LineSeries(l.Name, Points(table, l.Name, sweep)))],
            }));
        md.Append('\n').Append(fits.ToMarkdown(headers: ["layer", "sweep", "points fitted", "measured slope", "R²", "Table 1 exponent"]));
        md.Append("\nTable 1 counts multiply-adds; a CPU adds memory traffic and per-call overhead, which flatten slopes at the small end ");
        md.Append("(a recurrent step on a small d is mostly overhead, so its d-slope sits below 2 until d is large). A slope below the theory on the ");
        md.Append("upper points says the measured range has not reached the asymptote; the figures show where each curve bends.\n");
        return md.ToString();
    }

    private static double Time(SequenceLayer layer, int n, int d, Rng rng, int warmup = 1) => WallClock.MedianMilliseconds(() =>
    {
        using var scope = new TensorScope();
        using var noGrad = GradMode.NoGrad();
        layer.Forward(Tensor.Randn(rng, Batch, n, d));
    }, warmup, repeats: 5);

    private static void Record(CsvTable table, string sweep, SequenceLayer layer, int n, int d, Rng rng, ExperimentContext context)
    {
        double ms = Time(layer, n, d, rng);
        table.Add(sweep, layer.Name, Batch, n, d, ms);
        context.Log($"complexity: {layer.Name} n={n} d={d}: {ms:F2} ms");
    }

    private static List<(double X, double Y)> Points(CsvTable table, string layer, string sweep) =>
        [.. table.Rows.Where(r => table.Get(r, "layer") == layer && table.Get(r, "sweep") == sweep)
            .Select(r => (table.Number(r, sweep), table.Number(r, "ms_forward")))];
}

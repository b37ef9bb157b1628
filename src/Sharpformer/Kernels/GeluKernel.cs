namespace Sharpformer.Kernels;

/// <summary>GELU forward and backward, exact (x·Φ(x)) and tanh-approximated, matching PyTorch's two variants.</summary>
public static class GeluKernel
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;
    private const float TanhScale = 0.7978845608028654f; // √(2/π)
    private const float TanhCubic = 0.044715f;

    /// <summary>y = x·Φ(x), Φ the standard normal CDF.</summary>
    public static void ExactForward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = (float)(x[i] * 0.5 * (1.0 + Erf(x[i] * InvSqrt2)));
    }

    /// <summary>dx = g·(Φ(x) + x·φ(x)).</summary>
    public static void ExactBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double cdf = 0.5 * (1.0 + Erf(v * InvSqrt2));
            double pdf = InvSqrt2Pi * Math.Exp(-0.5 * v * v);
            dx[i] = (float)(g[i] * (cdf + v * pdf));
        }
    }

    /// <summary>y = 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    public static void TanhForward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = 0.5f * v * (1f + MathF.Tanh(TanhScale * (v + TanhCubic * v * v * v)));
        }
    }

    /// <summary>Derivative of the tanh form: dx = g·dy/dx.</summary>
    public static void TanhBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            float t = MathF.Tanh(TanhScale * (v + TanhCubic * v * v * v));
            float dInner = TanhScale * (1f + 3f * TanhCubic * v * v);
            dx[i] = g[i] * (0.5f * (1f + t) + 0.5f * v * (1f - t * t) * dInner);
        }
    }

    /// <summary>
    /// The error function, to double precision ~1e-15 relative on the float range (W. J. Cody's rational
    /// Chebyshev approximations, as used by most libm implementations).
    /// </summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax < 0.5)
        {
            double t = x * x;
            double num = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
            double den = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
            return x * num / den;
        }
        return Math.Sign(x) * (1.0 - Erfc(ax));
    }

    private static double Erfc(double ax)
    {
        double r;
        if (ax < 4.0)
        {
            double num = (((((((2.15311535474403846e-8 * ax + 0.564188496988670089) * ax + 8.88314979438837594) * ax
                + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.952221241769090) * ax
                + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725;
            double den = (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax
                + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax
                + 3439.36767414372164) * ax + 1230.33935480374942;
            r = num / den;
        }
        else
        {
            double z = 1.0 / (ax * ax);
            double num = ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z
                + 0.125781726111229246) * z + 0.0160837851487422766) * z + 6.58749161529837803e-4;
            double den = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 0.527905102951428412) * z
                + 0.0605183413124413191) * z + 0.00233520497626869185;
            r = (0.564189583547756287 - z * num / den) / ax;
        }
        return Math.Exp(-ax * ax) * r;
    }
}

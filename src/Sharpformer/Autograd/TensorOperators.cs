using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

/// <summary>Arithmetic operators on tensors (C# 14 extension operators), recorded on the tape like the named methods.</summary>
public static class TensorOperators
{
    extension(Tensor)
    {
        /// <summary>a + b, broadcasting.</summary>
        public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);

        /// <summary>a - b, broadcasting.</summary>
        public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);

        /// <summary>a * b element-wise, broadcasting.</summary>
        public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);

        /// <summary>a / b element-wise, broadcasting.</summary>
        public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);

        /// <summary>-x.</summary>
        public static Tensor operator -(Tensor x) => x.Neg();

        /// <summary>x * s.</summary>
        public static Tensor operator *(Tensor x, float s) => x.Mul(s);

        /// <summary>s * x.</summary>
        public static Tensor operator *(float s, Tensor x) => x.Mul(s);

        /// <summary>x + s.</summary>
        public static Tensor operator +(Tensor x, float s) => x.Add(s);
    }
}

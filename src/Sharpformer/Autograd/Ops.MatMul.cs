using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Matrix product op(a)·op(b) over the last two dimensions, where op transposes when the flag is set — so
    /// attention's QKᵀ is <c>q.MatMul(k, transB: true)</c> with no copy. Leading (batch) dimensions must be equal, or one
    /// side is a plain matrix shared by every batch entry (a weight); with a shared right-hand matrix the batch folds
    /// into a single large GEMM.
    /// </summary>
    public static unsafe Tensor MatMul(this Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        var p = MatMulPlan.Create(a, b, transA, transB);
        var y = Tensor.Empty(p.OutShape);
        Gemm.SgemmBatched(transA, transB, p.M, p.N, p.K, 1f, a.Buffer.Pointer, p.Lda, p.StrideA, b.Buffer.Pointer, p.Ldb, p.StrideB,
            0f, y.Buffer.Pointer, p.N, p.StrideC, p.Batch);
        return Tape.Record(y, "MatMul", [a, b], o =>
        {
            float* g = o.Grad!.Buffer.Pointer;
            if (a.RequiresGrad)
            {
                Tape.GradSpan(a, out bool accumulate);
                float* da = a.Grad!.Buffer.Pointer;
                float beta = accumulate ? 1f : 0f;
                // d op(A) = dC · op(B)ᵀ, written in A's stored orientation.
                if (!transA)
                    p.Accumulate(p.StrideA, (long)p.M * p.N, p.StrideB, da, beta, false, !transB, p.M, p.K, p.N, g, p.N, b.Buffer.Pointer, p.Ldb, p.Lda);
                else
                    p.Accumulate(p.StrideA, p.StrideB, (long)p.M * p.N, da, beta, transB, true, p.K, p.M, p.N, b.Buffer.Pointer, p.Ldb, g, p.N, p.Lda);
            }
            if (b.RequiresGrad)
            {
                Tape.GradSpan(b, out bool accumulate);
                float* db = b.Grad!.Buffer.Pointer;
                float beta = accumulate ? 1f : 0f;
                // d op(B) = op(A)ᵀ · dC, written in B's stored orientation.
                if (!transB)
                    p.Accumulate(p.StrideB, p.StrideA, (long)p.M * p.N, db, beta, !transA, false, p.K, p.N, p.M, a.Buffer.Pointer, p.Lda, g, p.N, p.Ldb);
                else
                    p.Accumulate(p.StrideB, (long)p.M * p.N, p.StrideA, db, beta, true, transA, p.N, p.K, p.M, g, p.N, a.Buffer.Pointer, p.Lda, p.Ldb);
            }
        });
    }

    /// <summary>The GEMM geometry of one MatMul call: sizes, leading dimensions and per-batch strides (0 = shared).</summary>
    private sealed class MatMulPlan
    {
        public int M, N, K, Lda, Ldb, Batch;
        public long StrideA, StrideB, StrideC;
        public required int[] OutShape;

        public static MatMulPlan Create(Tensor a, Tensor b, bool transA, bool transB)
        {
            if (a.Rank < 2 || b.Rank < 2)
                throw new ArgumentException($"MatMul: both operands need at least 2 dimensions, got {Shape.Format(a.Shape)} and {Shape.Format(b.Shape)}.");
            int aRows = a.Dims[^2], aCols = a.Dims[^1], bRows = b.Dims[^2], bCols = b.Dims[^1];
            int m = transA ? aCols : aRows, k = transA ? aRows : aCols;
            int kb = transB ? bCols : bRows, n = transB ? bRows : bCols;
            if (k != kb)
                throw new ArgumentException(
                    $"MatMul: inner dimensions differ: a {Shape.Format(a.Shape)}{(transA ? "ᵀ" : "")} has {k} columns but b {Shape.Format(b.Shape)}{(transB ? "ᵀ" : "")} has {kb} rows.");
            var aBatch = a.Dims[..^2];
            var bBatch = b.Dims[..^2];
            int batchA = Shape.Numel(aBatch), batchB = Shape.Numel(bBatch);
            if (aBatch.Length > 0 && bBatch.Length > 0 && !Shape.Equal(aBatch, bBatch))
                throw new ArgumentException(
                    $"MatMul: batch dimensions of a {Shape.Format(a.Shape)} and b {Shape.Format(b.Shape)} differ; they must be equal or one operand must be 2-D.");
            int[] batchShape = aBatch.Length > 0 ? aBatch : bBatch;
            var plan = new MatMulPlan
            {
                M = m, N = n, K = k, Lda = aCols, Ldb = bCols,
                OutShape = [.. batchShape, m, n],
                Batch = Math.Max(batchA, batchB),
                StrideA = bBatch.Length > 0 && aBatch.Length == 0 ? 0 : (long)aRows * aCols,
                StrideB = aBatch.Length > 0 && bBatch.Length == 0 ? 0 : (long)bRows * bCols,
                StrideC = (long)m * n,
            };
            if (plan.StrideB == 0 && !transA && plan.Batch > 1)
            {
                // A shared right-hand matrix: stack the batch into the rows of one large product.
                plan.M = m * plan.Batch;
                plan.Batch = 1;
            }
            return plan;
        }

        /// <summary>
        /// target = op(x)·op(y) + beta·target for every batch entry (beta 0 for a fresh gradient, 1 to accumulate), where
        /// the target's batch stride may be 0 (a shared operand's gradient: the entries are summed one after another,
        /// never concurrently).
        /// </summary>
        public unsafe void Accumulate(long targetStride, long xStride, long yStride, float* target, float beta, bool transX, bool transY,
            int rows, int cols, int inner, float* x, int ldx, float* y, int ldy, int ldTarget)
        {
            if (targetStride != 0 || Batch == 1)
            {
                Gemm.SgemmBatched(transX, transY, rows, cols, inner, 1f, x, ldx, xStride, y, ldy, yStride, beta, target, ldTarget, targetStride, Batch);
                return;
            }
            for (int i = 0; i < Batch; i++)
                Gemm.Sgemm(transX, transY, rows, cols, inner, 1f, x + i * xStride, ldx, y + i * yStride, ldy, i == 0 ? beta : 1f, target, ldTarget);
        }
    }
}

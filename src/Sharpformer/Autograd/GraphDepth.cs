using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

/// <summary>
/// The critical-path depth of a recorded graph: the longest chain of dependent operations from any leaf to a tensor.
/// Operations on one chain must run one after the other however many cores there are, so the depth is the number of
/// sequential steps of the computation — the paper's "minimum number of sequential operations" (Table 1), measured on
/// the graph the model actually built rather than asserted from the architecture.
/// </summary>
public static class GraphDepth
{
    /// <summary>
    /// Longest chain of recorded operations ending at <paramref name="root"/>: 0 for a leaf (or a tensor made without
    /// recording), otherwise the deepest input's depth plus the operation's <see cref="GradNode.SequentialSteps"/> (1 for
    /// most; a fused operation counts the dependent stages it runs inside). Iterative, so graphs thousands of steps
    /// deep do not overflow the stack.
    /// </summary>
    public static int Of(Tensor root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var depth = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, int NextInput)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs;
            if (inputs is not null && next < inputs.Count)
            {
                stack.Push((t, next + 1));
                if (!depth.ContainsKey(inputs[next])) stack.Push((inputs[next], 0));
                continue;
            }
            int deepest = 0;
            if (inputs is not null)
                foreach (var input in inputs) deepest = Math.Max(deepest, depth[input]);
            depth[t] = t.GradFn is null ? 0 : deepest + t.GradFn.SequentialSteps;
        }
        return depth[root];
    }
}

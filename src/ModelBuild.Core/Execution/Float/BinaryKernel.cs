using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>ADD, SUB, MUL, MAXIMUM, MINIMUM with numpy-style broadcasting (shapes aligned on the right).</summary>
internal static class BinaryKernel
{
    public static void Run(OpType op, float[] a, int[] aShape, float[] b, int[] bShape, float[] output, int[] outShape, FusedActivation activation)
    {
        Func<float, float, float> f = op switch
        {
            OpType.Add => (x, y) => x + y,
            OpType.Sub => (x, y) => x - y,
            OpType.Mul => (x, y) => x * y,
            OpType.Maximum => Math.Max,
            OpType.Minimum => Math.Min,
            _ => throw new NotSupportedException(op.ToString()),
        };
        int n = output.Length;
        if (a.Length == n && b.Length == n)
        {
            if (op == OpType.Add) System.Numerics.Tensors.TensorPrimitives.Add(a, b, output);
            else if (op == OpType.Mul) System.Numerics.Tensors.TensorPrimitives.Multiply(a, b, output);
            else for (int i = 0; i < n; i++) output[i] = f(a[i], b[i]);
        }
        else if (a.Length == n && IsTrailing(bShape, outShape))
        {
            int m = b.Length;
            for (int i = 0; i < n; i++) output[i] = f(a[i], b[i % m]);
        }
        else if (b.Length == n && IsTrailing(aShape, outShape))
        {
            int m = a.Length;
            for (int i = 0; i < n; i++) output[i] = f(a[i % m], b[i]);
        }
        else General(f, a, aShape, b, bShape, output, outShape);

        Activations.Clamp(output, activation);
    }

    /// <summary>True when <paramref name="small"/> equals the trailing dimensions of <paramref name="full"/> (after leading 1s).</summary>
    private static bool IsTrailing(int[] small, int[] full)
    {
        var s = small.SkipWhile(d => d == 1).ToArray();
        if (s.Length == 0) return true;
        return s.Length <= full.Length && s.SequenceEqual(full[^s.Length..]);
    }

    private static void General(Func<float, float, float> f, float[] a, int[] aShape, float[] b, int[] bShape, float[] output, int[] outShape)
    {
        int rank = outShape.Length;
        var aStr = BroadcastStrides(aShape, outShape);
        var bStr = BroadcastStrides(bShape, outShape);
        var idx = new int[rank];
        for (int i = 0; i < output.Length; i++)
        {
            int rem = i, ai = 0, bi = 0;
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d] = rem % outShape[d];
                rem /= outShape[d];
                ai += idx[d] * aStr[d];
                bi += idx[d] * bStr[d];
            }

            output[i] = f(a[ai], b[bi]);
        }
    }

    internal static int[] BroadcastStrides(int[] shape, int[] outShape)
    {
        int rank = outShape.Length;
        var strides = new int[rank];
        int stride = 1;
        for (int d = rank - 1, s = shape.Length - 1; d >= 0; d--, s--)
        {
            int dim = s >= 0 ? shape[s] : 1;
            strides[d] = dim == 1 ? 0 : stride;
            stride *= dim;
        }

        return strides;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// ADD, SUB, MUL, MAXIMUM, MINIMUM with numpy-style broadcasting (shapes aligned on the right). Equal shapes (the
/// residual adds of ResNets) and a per-channel operand (an unfolded BatchNormalization) take a vectorized pass that
/// applies the fused activation in the same pass, split over the cores when large.
/// </summary>
internal static class BinaryKernel
{
    public static void Run<TOp>(float[] a, int[] aShape, float[] b, int[] bShape, float[] output, int[] outShape, FusedActivation activation)
        where TOp : struct, IBinaryOp
    {
        var (lo, hi) = Activations.Range(activation);
        int n = output.Length;
        if (a.Length == n && b.Length == n)
            Repeated<TOp>(a, b, output, n, lo, hi);
        else if (a.Length == n && IsTrailing(bShape, outShape))
            Repeated<TOp>(a, b, output, b.Length, lo, hi);
        else if (b.Length == n && IsTrailing(aShape, outShape) && TOp.Commutative)
            Repeated<TOp>(b, a, output, a.Length, lo, hi); // the full operand first
        else
        {
            General<TOp>(a, aShape, b, bShape, output, outShape);
            Activations.Clamp(output, activation);
        }
    }

    /// <summary>y[i] = clamp(op(a[i], b[i mod period])); period = a.Length for equal shapes.</summary>
    private static void Repeated<TOp>(float[] a, float[] b, float[] y, int period, float lo, float hi) where TOp : struct, IBinaryOp
    {
        int n = y.Length;
        if (period == 1)
        {
            float s = b[0];
            CoreParallel.ForRanges(n, (from, to) => Span<TOp>(a.AsSpan(from, to - from), s, y.AsSpan(from, to - from), lo, hi));
            return;
        }

        if (period == n)
        {
            CoreParallel.ForRanges(n, (from, to) => Span<TOp>(a.AsSpan(from, to - from), b.AsSpan(from, to - from), y.AsSpan(from, to - from), lo, hi));
            return;
        }

        int rows = n / period;
        CoreParallel.ForRanges(rows, (from, to) =>
        {
            for (int r = from; r < to; r++)
                Span<TOp>(a.AsSpan(r * period, period), b.AsSpan(0, period), y.AsSpan(r * period, period), lo, hi);
        }, period);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Span<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, float lo, float hi) where TOp : struct, IBinaryOp
    {
        int i = 0, n = y.Length;
        var vlo = Vector256.Create(lo);
        var vhi = Vector256.Create(hi);
        ref float ra = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a);
        ref float rb = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b);
        ref float ry = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (; i <= n - 8; i += 8)
        {
            var v = TOp.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i));
            Activations.Clamp(v, vlo, vhi).StoreUnsafe(ref ry, (nuint)i);
        }

        for (; i < n; i++) y[i] = Math.Clamp(TOp.Apply(a[i], b[i]), lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Span<TOp>(ReadOnlySpan<float> a, float s, Span<float> y, float lo, float hi) where TOp : struct, IBinaryOp
    {
        int i = 0, n = y.Length;
        var vlo = Vector256.Create(lo);
        var vhi = Vector256.Create(hi);
        var vs = Vector256.Create(s);
        ref float ra = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a);
        ref float ry = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (; i <= n - 8; i += 8)
            Activations.Clamp(TOp.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), vs), vlo, vhi).StoreUnsafe(ref ry, (nuint)i);
        for (; i < n; i++) y[i] = Math.Clamp(TOp.Apply(a[i], s), lo, hi);
    }

    /// <summary>True when <paramref name="small"/> equals the trailing dimensions of <paramref name="full"/> (after leading 1s).</summary>
    private static bool IsTrailing(int[] small, int[] full)
    {
        var s = small.SkipWhile(d => d == 1).ToArray();
        if (s.Length == 0) return true;
        return s.Length <= full.Length && s.SequenceEqual(full[^s.Length..]);
    }

    private static void General<TOp>(float[] a, int[] aShape, float[] b, int[] bShape, float[] output, int[] outShape) where TOp : struct, IBinaryOp
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

            output[i] = TOp.Apply(a[ai], b[bi]);
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

    internal interface IBinaryOp
    {
        static abstract bool Commutative { get; }

        static abstract float Apply(float a, float b);

        static abstract Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
    }

    internal readonly struct AddOp : IBinaryOp
    {
        public static bool Commutative => true;

        public static float Apply(float a, float b) => a + b;

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a + b;
    }

    internal readonly struct SubOp : IBinaryOp
    {
        public static bool Commutative => false;

        public static float Apply(float a, float b) => a - b;

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a - b;
    }

    internal readonly struct MulOp : IBinaryOp
    {
        public static bool Commutative => true;

        public static float Apply(float a, float b) => a * b;

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * b;
    }

    internal readonly struct MaxOp : IBinaryOp
    {
        public static bool Commutative => true;

        public static float Apply(float a, float b) => Math.Max(a, b);

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    }

    internal readonly struct MinOp : IBinaryOp
    {
        public static bool Commutative => true;

        public static float Apply(float a, float b) => Math.Min(a, b);

        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
    }
}

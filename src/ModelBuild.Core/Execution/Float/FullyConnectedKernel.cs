using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Float FULLY_CONNECTED: each input row (the input flattened to [rows, in]) times weights [out, in]. Parallel over
/// ranges of units; each weight row is read once (from memory) and dotted with every input row while it is in L1,
/// so a batch costs one pass over the weights, not one per row. The dot product is our own (four independent vector
/// accumulators): <c>TensorPrimitives.Dot</c> took 0.75 ms for MobileNetV2's 1280→1000 layer on one core, this 0.05.
/// </summary>
internal sealed unsafe class FullyConnectedKernel(float[] weights, float[]? bias, int units, int inputs, FusedActivation activation)
{
    /// <summary>A copy of the weights in <see cref="HugePageMemory"/>, shared by executors alive at the same time (<see cref="PreparedWeights"/>).</summary>
    private readonly HugePageMemory _weights = PreparedWeights.Get($"fully connected {units}x{inputs}", weights, bias, () => HugePageMemory.Copy(weights));

    public void Run(float[] input, int rows, float[] output)
    {
        var (lo, hi) = Activations.Range(activation);
        var weightRows = _weights;
        CoreParallel.ForRanges(units, (from, to) =>
        {
            for (int o = from; o < to; o++)
            {
                var w = new ReadOnlySpan<float>(weightRows.Pointer + (long)o * inputs, inputs);
                float b = bias?[o] ?? 0f;
                for (int r = 0; r < rows; r++)
                    output[r * units + o] = Math.Clamp(Dot(new ReadOnlySpan<float>(input, r * inputs, inputs), w) + b, lo, hi);
            }
        }, (long)inputs * rows);
        weightRows.KeepAlive();
    }

    /// <summary>Σ a[i]·b[i] over the common length, with four independent vector accumulators and a scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = Math.Min(a.Length, b.Length), i = 0;
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 64)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i + 64 <= n; i += 64)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)(i + 16)), Vector512.LoadUnsafe(ref rb, (nuint)(i + 16)), s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)(i + 32)), Vector512.LoadUnsafe(ref rb, (nuint)(i + 32)), s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)(i + 48)), Vector512.LoadUnsafe(ref rb, (nuint)(i + 48)), s3);
            }

            for (; i + 16 <= n; i += 16)
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i), s0);
            sum = Vector512.Sum((s0 + s1) + (s2 + s3));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 32)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i + 32 <= n; i += 32)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)(i + 8)), Vector256.LoadUnsafe(ref rb, (nuint)(i + 8)), s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)(i + 16)), Vector256.LoadUnsafe(ref rb, (nuint)(i + 16)), s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)(i + 24)), Vector256.LoadUnsafe(ref rb, (nuint)(i + 24)), s3);
            }

            for (; i + 8 <= n; i += 8)
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), s0);
            sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        }

        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i), sum);
        return sum;
    }
}

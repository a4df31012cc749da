using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>Fused activation clamps, as TFLite applies them.</summary>
internal static class Activations
{
    public static (float Min, float Max) Range(FusedActivation a) => a switch
    {
        FusedActivation.Relu => (0f, float.PositiveInfinity),
        FusedActivation.Relu6 => (0f, 6f),
        FusedActivation.ReluN1To1 => (-1f, 1f),
        _ => (float.NegativeInfinity, float.PositiveInfinity),
    };

    public static void Clamp(Span<float> x, FusedActivation a)
    {
        if (a == FusedActivation.None) return;
        var (lo, hi) = Range(a);
        Clamp(x, lo, hi);
    }

    /// <summary>
    /// <paramref name="v"/> clamped to [<paramref name="lo"/>, <paramref name="hi"/>] lane by lane (max, then min, as
    /// the kernels' stores apply a fused activation; NaN handling is the native instructions').
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clamp(Vector512<float> v, Vector512<float> lo, Vector512<float> hi) => Vector512.MinNative(Vector512.MaxNative(v, lo), hi);

    /// <inheritdoc cref="Clamp(Vector512{float}, Vector512{float}, Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> v, Vector256<float> lo, Vector256<float> hi) => Vector256.MinNative(Vector256.MaxNative(v, lo), hi);

    public static void Clamp(Span<float> x, float lo, float hi)
    {
        int i = 0;
        var vlo = Vector256.Create(lo);
        var vhi = Vector256.Create(hi);
        for (; i <= x.Length - 8; i += 8)
            Clamp(Vector256.Create(x.Slice(i, 8)), vlo, vhi).CopyTo(x.Slice(i, 8));
        for (; i < x.Length; i++) x[i] = Math.Clamp(x[i], lo, hi);
    }
}

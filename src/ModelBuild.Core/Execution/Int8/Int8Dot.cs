using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>Exact int8 dot products (int32 accumulation; order does not matter for integers).</summary>
internal static class Int8Dot
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int n = a.Length;
        int i = 0;
        int sum = 0;
        ref sbyte ra = ref MemoryMarshal.GetReference(a);
        ref sbyte rb = ref MemoryMarshal.GetReference(b);
        if (Avx2.IsSupported && n >= 16)
        {
            var acc = Vector256<int>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var va = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ra, (nuint)i));
                var vb = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rb, (nuint)i));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(va, vb));
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++) sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        return sum;
    }

    /// <summary>Dot products of four consecutive rows of <paramref name="rows"/> (each <paramref name="x"/>.Length long) with x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4(ReadOnlySpan<sbyte> rows, ReadOnlySpan<sbyte> x, Span<int> result)
    {
        int n = x.Length;
        int i = 0;
        int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        ref sbyte rw = ref MemoryMarshal.GetReference(rows);
        ref sbyte rx = ref MemoryMarshal.GetReference(x);
        if (Avx2.IsSupported && n >= 16)
        {
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 16; i += 16)
            {
                var vx = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rx, (nuint)i));
                a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rw, (nuint)i)), vx));
                a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rw, (nuint)(n + i))), vx));
                a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rw, (nuint)(2 * n + i))), vx));
                a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rw, (nuint)(3 * n + i))), vx));
            }

            (s0, s1, s2, s3) = (Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
        }

        for (; i < n; i++)
        {
            int v = Unsafe.Add(ref rx, i);
            s0 += Unsafe.Add(ref rw, i) * v;
            s1 += Unsafe.Add(ref rw, n + i) * v;
            s2 += Unsafe.Add(ref rw, 2 * n + i) * v;
            s3 += Unsafe.Add(ref rw, 3 * n + i) * v;
        }

        (result[0], result[1], result[2], result[3]) = (s0, s1, s2, s3);
    }

    /// <summary>The sum of the values (32 at a time: u8 ones × s8 pairs into int16, then int16 pairs into int32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Sum(ReadOnlySpan<sbyte> a)
    {
        int i = 0, s = 0;
        if (Avx2.IsSupported && a.Length >= 32)
        {
            var acc = Vector256<int>.Zero;
            var ones8 = Vector256.Create((byte)1);
            var ones16 = Vector256.Create((short)1);
            ref sbyte ra = ref MemoryMarshal.GetReference(a);
            for (; i <= a.Length - 32; i += 32)
                acc += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ones8, Vector256.LoadUnsafe(ref ra, (nuint)i)), ones16);
            s = Vector256.Sum(acc);
        }

        for (; i < a.Length; i++) s += a[i];
        return s;
    }
}

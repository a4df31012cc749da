using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelBuild.Core.Execution;

/// <summary>Exact int8 dot products (int32 accumulation; order does not matter for integers).</summary>
internal static class Int8Dot
{
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

    public static int Sum(ReadOnlySpan<sbyte> a)
    {
        int s = 0;
        foreach (var v in a) s += v;
        return s;
    }
}

using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Operators;

/// <summary>Shape rules several operator definitions share.</summary>
internal static class ShapeInference
{
    /// <summary>Output size of a windowed op (conv, pool), as TensorFlow computes it.</summary>
    public static int Window(int input, int filter, int stride, int dilation, Padding padding)
    {
        var effective = (filter - 1) * dilation + 1;
        return padding == Padding.Same
            ? (input + stride - 1) / stride
            : (input - effective + stride) / stride;
    }

    /// <summary>Numpy broadcasting: shapes aligned on the right, a 1 takes the other's size; other unequal sizes do not broadcast.</summary>
    public static int[] Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var s = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int da = d - (rank - a.Length) is var i && i >= 0 ? a[i] : 1;
            int db = d - (rank - b.Length) is var j && j >= 0 ? b[j] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] do not broadcast (dimension {d}: {da} against {db}).");
            s[d] = da == 1 ? db : da;
        }

        return s;
    }

    public static int[] SameAsInput(Node node) => (int[])node.Inputs[0]!.Shape.Clone();

    /// <summary>A constant int32 input (axes, paddings, sizes) or a clear error.</summary>
    public static int[] ConstantInts(Node node, int index) =>
        node.OptionalInput(index) is { Data: int[] v } ? v
            : throw new NotSupportedException($"Node '{node.Name}' ({node.Op}): input {index} must be a constant int32 tensor.");
}

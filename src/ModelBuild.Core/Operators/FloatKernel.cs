using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Operators;

/// <summary>One prepared float operator: writes the node's output <paramref name="y"/> for one run.</summary>
internal delegate void FloatKernel(FloatOperands x, float[] y);

/// <summary>A node's operand values and shapes during one float run; runtime shapes carry the run's batch.</summary>
internal readonly struct FloatOperands(Node node, Dictionary<Tensor, float[]> values, int batch)
{
    public int Batch => batch;

    public float[] In(int i)
    {
        var t = node.Inputs[i]!;
        return t.IsConstant ? t.FloatData : values[t];
    }

    public int[] Shape(int i)
    {
        var t = node.Inputs[i]!;
        return t.IsConstant ? t.Shape : WithBatch(t.Shape, batch);
    }

    public int[] OutShape => WithBatch(node.Outputs[0].Shape, batch);

    private static int[] WithBatch(int[] shape, int batch)
    {
        var s = (int[])shape.Clone();
        s[0] = batch;
        return s;
    }
}

using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>Output sizes of windowed ops, as TensorFlow computes them.</summary>
internal static class ShapeMath
{
    public static int WindowOutput(int input, int filter, int stride, int dilation, Padding padding)
    {
        var effective = (filter - 1) * dilation + 1;
        return padding == Padding.Same
            ? (input + stride - 1) / stride
            : (input - effective + stride) / stride;
    }
}

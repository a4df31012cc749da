using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Keras;

/// <summary>Output sizes of windowed ops, as TensorFlow computes them (the operator definitions' rule).</summary>
internal static class ShapeMath
{
    public static int WindowOutput(int input, int filter, int stride, int dilation, Padding padding) =>
        ShapeInference.Window(input, filter, stride, dilation, padding);
}

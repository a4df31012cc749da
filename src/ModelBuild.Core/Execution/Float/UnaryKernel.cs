using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>Elementwise activations and SOFTMAX over the last axis.</summary>
internal static class UnaryKernel
{
    public static void Run(Node node, float[] x, float[] y, int lastDim)
    {
        switch (node.Op)
        {
            case OpType.Relu: for (int i = 0; i < x.Length; i++) y[i] = Math.Max(x[i], 0f); break;
            case OpType.Relu6: for (int i = 0; i < x.Length; i++) y[i] = Math.Clamp(x[i], 0f, 6f); break;
            case OpType.ReluN1To1: for (int i = 0; i < x.Length; i++) y[i] = Math.Clamp(x[i], -1f, 1f); break;
            case OpType.Logistic: for (int i = 0; i < x.Length; i++) y[i] = 1f / (1f + MathF.Exp(-x[i])); break;
            case OpType.Tanh: for (int i = 0; i < x.Length; i++) y[i] = MathF.Tanh(x[i]); break;
            case OpType.HardSwish: for (int i = 0; i < x.Length; i++) y[i] = x[i] * Math.Clamp(x[i] + 3f, 0f, 6f) / 6f; break;
            case OpType.LeakyRelu:
                var alpha = node.OptionsAs<LeakyReluOptions>().Alpha;
                for (int i = 0; i < x.Length; i++) y[i] = x[i] >= 0 ? x[i] : alpha * x[i];
                break;
            case OpType.Softmax:
                var beta = (node.Options as SoftmaxOptions)?.Beta ?? 1f;
                for (int r = 0; r < x.Length; r += lastDim)
                {
                    float max = float.NegativeInfinity;
                    for (int i = 0; i < lastDim; i++) max = Math.Max(max, x[r + i]);
                    double sum = 0;
                    for (int i = 0; i < lastDim; i++) sum += y[r + i] = MathF.Exp(beta * (x[r + i] - max));
                    for (int i = 0; i < lastDim; i++) y[r + i] = (float)(y[r + i] / sum);
                }

                break;
            default: throw new NotSupportedException(node.Op.ToString());
        }
    }
}

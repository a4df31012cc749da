using System.Numerics.Tensors;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>Float FULLY_CONNECTED: each input row (the input flattened to [rows, in]) times weights [out, in].</summary>
internal sealed class FullyConnectedKernel(float[] weights, float[]? bias, int units, int inputs, FusedActivation activation)
{
    public void Run(float[] input, int rows, float[] output)
    {
        var (lo, hi) = Activations.Range(activation);
        CoreParallel.For(0, rows * units, j =>
        {
            int r = j / units, o = j % units;
            var v = TensorPrimitives.Dot(new ReadOnlySpan<float>(input, r * inputs, inputs), new ReadOnlySpan<float>(weights, o * inputs, inputs));
            output[j] = Math.Clamp(v + (bias?[o] ?? 0f), lo, hi);
        });
    }
}

using System.Numerics.Tensors;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Float FULLY_CONNECTED: each input row (the input flattened to [rows, in]) times weights [out, in]. Parallel over
/// ranges of units; each weight row is read once (from memory) and dotted with every input row while it is in L1,
/// so a batch costs one pass over the weights, not one per row.
/// </summary>
internal sealed class FullyConnectedKernel(float[] weights, float[]? bias, int units, int inputs, FusedActivation activation)
{
    public void Run(float[] input, int rows, float[] output)
    {
        var (lo, hi) = Activations.Range(activation);
        CoreParallel.ForRanges(units, (from, to) =>
        {
            for (int o = from; o < to; o++)
            {
                var w = new ReadOnlySpan<float>(weights, o * inputs, inputs);
                float b = bias?[o] ?? 0f;
                for (int r = 0; r < rows; r++)
                    output[r * units + o] = Math.Clamp(TensorPrimitives.Dot(new ReadOnlySpan<float>(input, r * inputs, inputs), w) + b, lo, hi);
            }
        }, (long)inputs * rows);
    }
}

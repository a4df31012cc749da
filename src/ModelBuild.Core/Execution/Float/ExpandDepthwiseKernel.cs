using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// An inverted-residual block's pointwise expansion followed by its 3×3 depthwise layer, run band by band: each
/// band of depthwise output rows is computed from the expanded rows it reads, which the expansion writes into a
/// per-thread buffer that stays in L2, so the expanded tensor (4.8 MB at MobileNetV2's 112×112) never goes to memory.
/// Consecutive bands share rows: those are moved to the front of the buffer, not computed again. Each value is the
/// same products in the same order as the two layers run one after the other. Only for runs in which nothing
/// observes the expanded tensor (the executor checks that).
/// </summary>
internal sealed unsafe class ExpandDepthwiseKernel(Conv2DKernel expand, DepthwiseConv2DKernel depthwise)
{
    /// <summary>Expanded tensors smaller than this (one core's L2) stay in cache anyway: the layers run one after the other.</summary>
    public const long MinExpandedBytes = 1 << 20;

    /// <summary>Expanded rows a band keeps at most (floats): 384 KiB, with the band's input and output rows within L2.</summary>
    private const int BandFloats = 96 * 1024;

    [ThreadStatic] private static float[]? s_band;

    /// <summary>Whether the pair runs fused for an expanded tensor of <paramref name="h"/> × <paramref name="w"/> pixels.</summary>
    public static bool Applies(Conv2DKernel expand, DepthwiseConv2DKernel depthwise, int h, int w) =>
        expand.IsPointwise && depthwise.Is3x3 && (long)h * w * expand.OutputChannels * sizeof(float) >= MinExpandedBytes;

    /// <summary>
    /// The fused kernel of <paramref name="expand"/> → <paramref name="depthwise"/> when it applies: a pointwise CONV_2D
    /// whose output only <paramref name="depthwise"/> (a 3×3 DEPTHWISE_CONV_2D) reads and the graph does not return,
    /// at least <see cref="MinExpandedBytes"/> per image; null otherwise. It writes the depthwise node's output from
    /// the expansion's operands.
    /// </summary>
    public static FloatKernel? TryCreate(ModelGraph graph, Node expand, Node depthwise)
    {
        if (expand.Op != OpType.Conv2D || depthwise.Op != OpType.DepthwiseConv2D) return null;
        var mid = expand.Outputs[0];
        if (!ReferenceEquals(depthwise.Inputs[0], mid) || graph.Outputs.Contains(mid)) return null;
        if (graph.Nodes.Any(n => !ReferenceEquals(n, depthwise) && n.Inputs.Contains(mid))) return null;
        int[] e = expand.Inputs[1]!.Shape, d = depthwise.Inputs[1]!.Shape;
        if (e[1] != 1 || e[2] != 1 || d[1] != 3 || d[2] != 3) return null; // decided before the weights are packed again
        var (gemm, dw) = (Conv2DDefinition.GemmKernel(expand), DepthwiseConv2DDefinition.Kernel(depthwise));
        int h = mid.Shape[1], w = mid.Shape[2], oh = depthwise.Outputs[0].Shape[1], ow = depthwise.Outputs[0].Shape[2];
        if (!Applies(gemm, dw, h, w)) return null;
        var kernel = new ExpandDepthwiseKernel(gemm, dw);
        return (x, y) => kernel.Run(x.In(0), x.Batch, h, w, y, oh, ow);
    }

    /// <summary>NHWC <paramref name="input"/> [batch, h, w, cin] → expanded [batch, h, w, c] (never stored whole) → <paramref name="output"/> [batch, oh, ow, c].</summary>
    public void Run(float[] input, int batch, int h, int w, float[] output, int oh, int ow)
    {
        int c = expand.OutputChannels;
        long rowFloats = (long)w * c;
        var plan = depthwise.Plan(h, w, oh, ow);
        int band = 1;
        while (band < oh && depthwise.InputRowsSpanned(band + 1) * rowFloats <= BandFloats) band++;
        long need = depthwise.InputRowsSpanned(band) * rowFloats;
        // Every job starts its own run of bands (its first rows computed once more): few jobs, two per core.
        int parts = Environment.ProcessorCount == 1 ? 1 : Math.Min(oh, (2 * Environment.ProcessorCount + batch - 1) / batch);
        CoreParallel.For(0, batch * parts, job =>
        {
            int b = job / parts, part = job % parts;
            int from = (int)((long)oh * part / parts), to = (int)((long)oh * (part + 1) / parts);
            var buffer = s_band;
            if (buffer is null || buffer.Length < need) s_band = buffer = new float[need];
            fixed (float* x = input)
            fixed (float* y = output)
            fixed (float* rows = buffer)
            {
                int have0 = 0, have1 = 0; // expanded rows [have0, have1) of image b are at rows + (r − have0)·rowFloats
                for (int oy = from; oy < to; oy += band)
                {
                    int end = Math.Min(to, oy + band);
                    var (f, l) = depthwise.InputRows(plan, oy, end);
                    int kept = f >= have0 && f < have1 ? have1 - f : 0;
                    if (kept > 0 && f > have0)
                        Buffer.MemoryCopy(rows + (f - have0) * rowFloats, rows, kept * rowFloats * 4, kept * rowFloats * 4);
                    if (f + kept < l)
                        expand.RunRows(x, h, w, b * h + f + kept, b * h + l, rows + kept * rowFloats);
                    (have0, have1) = (f, l);
                    depthwise.Rows(plan, rows - f * rowFloats, oy, end, y + (long)b * oh * ow * c);
                }
            }
        });
    }
}

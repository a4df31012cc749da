using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// An inverted-residual block's pointwise expansion, 3×3 depthwise layer and pointwise projection (either pointwise
/// layer may be absent; in place of the expansion, a shallow convolution run directly, as MobileNet's stem before its
/// first depthwise layer) run band by band of depthwise output rows: the expansion writes the rows a band reads into a
/// per-thread buffer, the depthwise layer writes the band into a second one, and the projection reads it from there,
/// so neither the expanded tensor (4.8 MB at MobileNetV2's 112×112) nor the depthwise output goes to memory.
/// Consecutive bands share expanded rows: those are moved to the front of the buffer, not computed again. Each value
/// is the same products in the same order as the layers run one after the other. Only for runs in which nothing
/// observes the tensors in between (the executor checks that).
/// </summary>
internal sealed unsafe class DepthwiseBandKernel(Conv2DKernel? expand, DepthwiseConv2DKernel depthwise, Conv2DKernel? project)
{
    /// <summary>
    /// A chain runs fused only when it keeps a tensor of this size or more per image out of memory (MobileNetV2: every
    /// block from 112×112 to the 14×14 ones with 576 channels; one core, load 8, 1 MiB gave 5.0-5.2 ms, 256 KiB 4.8-5.0).
    /// </summary>
    public const long MinFusedBytes = 1 << 18;

    /// <summary>Expanded rows a band keeps at most (floats): 384 KiB, with the band's other rows within L2. Both band buffers are per thread, in <see cref="HugePageMemory"/>.</summary>
    private const int BandFloats = 96 * 1024;

    [ThreadStatic] private static HugePageMemory? s_expanded;
    [ThreadStatic] private static HugePageMemory? s_depthwise;

    /// <summary>
    /// The fused kernel of the chain starting at node <paramref name="first"/> and how many nodes it covers, or null:
    /// [pointwise or shallow CONV_2D →] 3×3 DEPTHWISE_CONV_2D [→ pointwise CONV_2D], each tensor in between read only by the next
    /// node and not returned by the graph, at least one of them <see cref="MinFusedBytes"/> or more per image. It
    /// writes the last node's output from the first node's operands.
    /// </summary>
    public static (FloatKernel Kernel, int Nodes)? TryCreate(ModelGraph graph, int first)
    {
        var nodes = graph.Nodes;
        Node? e = null;
        int d = first;
        if ((IsPointwise(nodes[first]) || IsShallow(nodes[first])) && first + 1 < nodes.Count && IsDepthwise3x3(nodes[first + 1]) && OnlyFeeds(graph, nodes[first], nodes[first + 1]))
            (e, d) = (nodes[first], first + 1);
        if (!IsDepthwise3x3(nodes[d])) return null;
        var dw = nodes[d];
        Node? p = d + 1 < nodes.Count && IsPointwise(nodes[d + 1]) && OnlyFeeds(graph, dw, nodes[d + 1]) ? nodes[d + 1] : null;
        Tensor mid = dw.Inputs[0]!, dwOut = dw.Outputs[0];
        if (Math.Max(e is null ? 0 : Bytes(mid), p is null ? 0 : Bytes(dwOut)) < MinFusedBytes) return null;

        var expand = e is null ? null : Conv2DDefinition.GemmKernel(e);
        if (expand is { RunsRows: false }) return null;
        var source = nodes[first].Inputs[0]!;
        var kernel = new DepthwiseBandKernel(expand, DepthwiseConv2DDefinition.Kernel(dw), p is null ? null : Conv2DDefinition.GemmKernel(p));
        int sh = source.Shape[1], sw = source.Shape[2], h = mid.Shape[1], w = mid.Shape[2], oh = dwOut.Shape[1], ow = dwOut.Shape[2];
        return ((x, y) => kernel.Run(x.In(0), x.Batch, sh, sw, h, w, y, oh, ow), (p is null ? d : d + 1) - first + 1);
    }

    private static long Bytes(Tensor t) => t.ElementCount / t.Shape[0] * sizeof(float);

    private static bool IsPointwise(Node n) =>
        n.Op == OpType.Conv2D && n.Inputs[1]!.Shape is [_, 1, 1, _] && n.OptionsAs<Conv2DOptions>() is { StrideH: 1, StrideW: 1 };

    /// <summary>A CONV_2D that <see cref="SmallDepthConv2DKernel"/> runs (a shallow filter: MobileNet's 3×3/2 stem on RGB).</summary>
    private static bool IsShallow(Node n) =>
        n.Op == OpType.Conv2D && n.Inputs[1]!.Shape is [var cout, var kh, var kw, var cin] && SmallDepthConv2DKernel.Applies(kh, kw, cin, cout);

    private static bool IsDepthwise3x3(Node n) =>
        n.Op == OpType.DepthwiseConv2D && n.Inputs[1]!.Shape is [1, 3, 3, var c] && c == n.Inputs[0]!.Shape[3] &&
        n.OptionsAs<DepthwiseConv2DOptions>() is { DilationH: 1, DilationW: 1 };

    /// <summary>Whether <paramref name="next"/> is the only reader of <paramref name="node"/>'s output, which the graph does not return.</summary>
    private static bool OnlyFeeds(ModelGraph graph, Node node, Node next)
    {
        var t = node.Outputs[0];
        return ReferenceEquals(next.Inputs[0], t) && !graph.Outputs.Contains(t) && !graph.Nodes.Any(n => !ReferenceEquals(n, next) && n.Inputs.Contains(t));
    }

    /// <summary>
    /// NHWC <paramref name="input"/> [batch, inH, inW, cin] (the depthwise layer's input [batch, h, w, c] without an
    /// expansion) → <paramref name="output"/> [batch, oh, ow, c] (the projection's [batch, oh, ow, cout] with one);
    /// h × w is the depthwise layer's input.
    /// </summary>
    public void Run(float[] input, int batch, int inH, int inW, int h, int w, float[] output, int oh, int ow)
    {
        int c = depthwise.Channels;
        long rowFloats = (long)w * c, outRowFloats = (long)ow * c;
        var plan = depthwise.Plan(h, w, oh, ow);
        int band = 1;
        while (band < oh && depthwise.InputRowsSpanned(band + 1) * rowFloats <= BandFloats) band++;
        // Every job starts its own run of bands (its first expanded rows computed once more): few jobs, at most two
        // per core, one per core when that leaves fewer than 8 output rows a job.
        int cores = Environment.ProcessorCount;
        int parts = cores == 1 ? 1 : Math.Min(oh, (Math.Min(2 * cores, Math.Max(cores, oh / 8)) + batch - 1) / batch);
        CoreParallel.For(0, batch * parts, job =>
        {
            int b = job / parts, part = job % parts;
            int from = (int)((long)oh * part / parts), to = (int)((long)oh * (part + 1) / parts);
            var expanded = expand is null ? null : Buffer(ref s_expanded, depthwise.InputRowsSpanned(band) * rowFloats);
            var dwBand = project is null ? null : Buffer(ref s_depthwise, band * outRowFloats);
            fixed (float* x = input)
            fixed (float* y = output)
            {
                float* rows = expanded is null ? null : expanded.Pointer, dwRows = dwBand is null ? null : dwBand.Pointer;
                int have0 = 0, have1 = 0; // expanded rows [have0, have1) of image b are at rows + (r − have0)·rowFloats
                for (int oy = from; oy < to; oy += band)
                {
                    int end = Math.Min(to, oy + band);
                    float* img = x + (long)b * h * rowFloats; // the depthwise layer's input when there is no expansion
                    if (expand is not null)
                    {
                        var (f, l) = depthwise.InputRows(plan, oy, end);
                        int kept = f >= have0 && f < have1 ? have1 - f : 0;
                        if (kept > 0 && f > have0)
                            System.Buffer.MemoryCopy(rows + (f - have0) * rowFloats, rows, kept * rowFloats * 4, kept * rowFloats * 4);
                        if (f + kept < l)
                            expand.RunRows(x, inH, inW, h, w, b * h + f + kept, b * h + l, rows + kept * rowFloats);
                        (have0, have1) = (f, l);
                        img = rows - f * rowFloats;
                    }

                    long firstRow = (long)b * oh + oy; // over the whole batch
                    if (project is null)
                    {
                        depthwise.Rows(plan, img, oy, end, y + (long)b * oh * outRowFloats);
                        continue;
                    }

                    depthwise.Rows(plan, img, oy, end, dwRows - oy * outRowFloats);
                    project.RunRows(dwRows - firstRow * outRowFloats, oh, ow, oh, ow, (int)firstRow, (int)firstRow + end - oy, y + firstRow * ow * project.OutputChannels);
                }
            }
        });
    }

    private static HugePageMemory Buffer(ref HugePageMemory? cached, long length)
    {
        if (cached is null || cached.Length < length) cached = HugePageMemory.Allocate(length);
        return cached;
    }
}

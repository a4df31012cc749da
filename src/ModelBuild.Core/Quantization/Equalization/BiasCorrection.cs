using System.Runtime.CompilerServices;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Bias correction (Nagel et al. 2019): int8 weights W_q = W + ΔW shift the mean of each output channel by
/// E[ΔW·x]; subtracting that from the bias removes the systematic part of the rounding error. ΔW is exactly the
/// rounding the quantizer will apply (same scales, per channel or per tensor); E[x] comes from the float model over
/// the calibration samples (<see cref="InputMeans"/>), per weight tap and averaged over the output positions, so
/// zero padding at the borders counts as the zeros it is.
/// <para>
/// Ops reading the model input are left alone: the mean of a few photos says little about the next one there, and on
/// the shared models correcting them lost more on held-out photos than it gained (docs/ACCURACY.md).
/// </para>
/// </summary>
public static class BiasCorrection
{
    /// <summary>A copy of <paramref name="graph"/> whose weighted ops have corrected biases (an op without one gets one).</summary>
    public static ModelGraph Apply(ModelGraph graph, InputMeans means, QuantizationOptions options)
    {
        var nodes = graph.Nodes.Select(n => new Node(n.Name, n.Op, n.Inputs, n.Outputs, n.Options) { SourceLayer = n.SourceLayer, SourceClass = n.SourceClass }).ToList();
        // Each layer on its own core (each one's sums in the same order whatever the cores: the same bits).
        Execution.CoreParallel.For(0, nodes.Count, i =>
        {
            var n = graph.Nodes[i];
            if (IsCorrectable(n) && !graph.Inputs.Contains(n.Inputs[0]!) && means.Of(n.Inputs[0]!) is { } mean)
                Correct(nodes[i], TapMeans(n, mean), options.PerChannel ? OperatorRegistry.For(n).Quantization!.WeightChannelDim : null);
        });
        return new ModelGraph(graph.Name, graph.Inputs, graph.Outputs, nodes);
    }

    internal static bool IsCorrectable(Node n) =>
        n.Op is OpType.Conv2D or OpType.DepthwiseConv2D or OpType.FullyConnected
        && n.Inputs.Count > 1 && n.Inputs[0] is { IsConstant: false } && n.Inputs[1] is { IsConstant: true, Data: float[] }
        && (n.Op != OpType.DepthwiseConv2D || n.OptionsAs<DepthwiseConv2DOptions>().DepthMultiplier == 1);

    /// <summary>
    /// The mean input each weight multiplies, laid out like the weights without their output dimension:
    /// [kh, kw, c] for convolutions (averaged over every output position, 0 where the tap reads padding), [in] for
    /// FULLY_CONNECTED (the flattened input).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // run once per layer over large arrays: no tier-0 loops
    private static float[] TapMeans(Node n, float[] mean)
    {
        if (n.Op == OpType.FullyConnected) return mean;
        var x = n.Inputs[0]!.Shape;
        var y = n.Outputs[0].Shape;
        var w = n.Inputs[1]!.Shape;
        int h = x[1], wd = x[2], c = x[3], oh = y[1], ow = y[2], kh = w[1], kw = w[2];
        var (sh, sw, dh, dw) = n.Options switch
        {
            Conv2DOptions o => (o.StrideH, o.StrideW, o.DilationH, o.DilationW),
            DepthwiseConv2DOptions o => (o.StrideH, o.StrideW, o.DilationH, o.DilationW),
            _ => throw new InvalidOperationException($"Node '{n.Name}' ({n.Op}) has no convolution options."),
        };
        int top = Conv2DKernel.PadBefore(h, oh, kh, sh, dh), left = Conv2DKernel.PadBefore(wd, ow, kw, sw, dw);
        var taps = new float[kh * kw * c];
        var sum = new double[c];
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                Array.Clear(sum);
                for (int oy = 0; oy < oh; oy++)
                {
                    int iy = oy * sh - top + ky * dh;
                    if (iy < 0 || iy >= h) continue;
                    for (int ox = 0; ox < ow; ox++)
                    {
                        int ix = ox * sw - left + kx * dw;
                        if (ix < 0 || ix >= wd) continue;
                        int at = (iy * wd + ix) * c;
                        for (int k = 0; k < c; k++) sum[k] += mean[at + k];
                    }
                }

                for (int k = 0; k < c; k++) taps[(ky * kw + kx) * c + k] = (float)(sum[k] / (oh * ow));
            }

        return taps;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correct(Node n, float[] taps, int? channelDim)
    {
        var w = n.Inputs[1]!;
        var data = w.FloatData;
        if (taps.Length != data.Length / (n.Op == OpType.DepthwiseConv2D ? 1 : w.Shape[0])) return;
        var q = WeightQuantizer.Weights(w, channelDim);
        var scales = q.Quant!.Scale;
        var qd = q.Int8Data;
        bool depthwise = n.Op == OpType.DepthwiseConv2D;
        int outChannels = depthwise ? w.Shape[^1] : w.Shape[0];
        int per = data.Length / outChannels;
        var shift = new double[outChannels];
        // Each channel's terms added in weight order: o's row for convolutions and FULLY_CONNECTED ([out, …]), every
        // outChannels-th weight from o for depthwise ([1, kh, kw, channels]).
        if (depthwise)
        {
            for (int at = 0; at < data.Length; at += outChannels)
                for (int o = 0; o < outChannels; o++)
                {
                    double error = qd[at + o] * (double)(scales.Length == 1 ? scales[0] : scales[o]) - data[at + o];
                    shift[o] += error * taps[at + o];
                }
        }
        else
        {
            for (int o = 0; o < outChannels; o++)
            {
                double scale = scales.Length == 1 ? scales[0] : scales[o], sum = 0;
                var row = data.AsSpan(o * per, per);
                var qrow = qd.AsSpan(o * per, per);
                for (int j = 0; j < row.Length; j++) sum += (qrow[j] * scale - row[j]) * taps[j];
                shift[o] = sum;
            }
        }

        var old = n.OptionalInput(2);
        var bias = old is null ? new float[outChannels] : (float[])old.FloatData.Clone();
        for (int o = 0; o < outChannels; o++) bias[o] -= (float)shift[o];
        var corrected = new Tensor(old?.Name ?? n.Name + "/bias", [outChannels], DataType.Float32, bias);
        if (n.Inputs.Count > 2) n.Inputs[2] = corrected;
        else n.Inputs.Add(corrected);
    }
}

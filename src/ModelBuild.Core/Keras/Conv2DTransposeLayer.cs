using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>
/// keras.layers.Conv2DTranspose → TRANSPOSE_CONV (its activation a separate op: TFLite 2.9's has no fused one).
/// Output size as Keras' deconv_output_length: same → in·stride, valid → in·stride + max(kernel − stride, 0).
/// </summary>
internal sealed partial class LayerConverter
{
    private Tensor Conv2DTranspose(KerasConfig cfg, Tensor x, LayerWeights w)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        var (dh, dw) = cfg.Pair("dilation_rate") ?? (1, 1);
        if (dh != 1 || dw != 1) throw Unsupported($"with dilation_rate ({dh}, {dw}) (TFLite's TRANSPOSE_CONV has no dilation)");
        if (cfg.Json["output_padding"] is not null) throw Unsupported("with output_padding (leave it None)");
        if (cfg.Int("groups", 1) != 1) throw Unsupported("with groups > 1");
        var (kh, kw) = cfg.Pair("kernel_size")!.Value;
        var (sh, sw) = cfg.Pair("strides") ?? (1, 1);
        var pad = PaddingOf(cfg);
        int cin = x.Shape[3], cout = cfg.Int("filters", 0);
        int oh = OutputLength(x.Shape[1], kh, sh, pad), ow = OutputLength(x.Shape[2], kw, sw, pad);
        // Keras stores [kh, kw, out, in]; TFLite wants [out, kh, kw, in].
        var hwoi = w.Get("kernel", [kh, kw, cout, cin]);
        var ohwi = new float[hwoi.Length];
        for (int y = 0; y < kh; y++)
            for (int z = 0; z < kw; z++)
                for (int o = 0; o < cout; o++)
                    Array.Copy(hwoi, ((y * kw + z) * cout + o) * cin, ohwi, ((o * kh + y) * kw + z) * cin, cin);
        var bias = cfg.Bool("use_bias", true) ? w.Get("bias", [cout]) : null;
        var act = cfg.Activation();
        int[] shape = [1, oh, ow, cout];
        var y2 = g.Emit(OpType.TransposeConv, act == "linear" ? _layer : _layer + "/transpose_conv", shape,
            [x, g.Constant(_layer + "/kernel", [cout, kh, kw, cin], ohwi), bias is null ? null : g.Constant(_layer + "/bias", [cout], bias), g.IntConstant(_layer + "/output_shape", shape)],
            new TransposeConvOptions(pad, sh, sw));
        return Activation(act, y2, _layer);
    }

    private static int OutputLength(int input, int kernel, int stride, Padding padding) =>
        padding == Padding.Same ? input * stride : input * stride + Math.Max(kernel - stride, 0);
}

using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>Cropping2D and CenterCrop (when the image is at least the target size) become one SLICE.</summary>
internal sealed partial class LayerConverter
{
    private Tensor Crop(KerasConfig cfg, Tensor x)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        var (top, bottom, left, right) = _class == "CenterCrop" ? CenterWindow(cfg, x) : CroppingWindow(cfg);
        if (top == 0 && bottom == 0 && left == 0 && right == 0) return x; // nothing to crop: an identity, no SLICE
        int h = x.Shape[1] - top - bottom, w = x.Shape[2] - left - right;
        if (top < 0 || bottom < 0 || left < 0 || right < 0 || h <= 0 || w <= 0)
            throw new Diagnostics.ModelBuildException("MB1007", file,
                $"layer '{_layer}' ({_class}) cannot crop [{string.Join(", ", x.Shape)}] by (top {top}, bottom {bottom}, left {left}, right {right}); check the layer's cropping.");
        int[] shape = [1, h, w, x.Shape[3]];
        return g.Emit(OpType.Slice, _layer, shape,
            [x, g.IntConstant(_layer + "/begin", [0, top, left, 0]), g.IntConstant(_layer + "/size", shape)]);
    }

    /// <summary>Keras' `cropping`: an int, (symmetric height, symmetric width) or ((top, bottom), (left, right)).</summary>
    private static (int Top, int Bottom, int Left, int Right) CroppingWindow(KerasConfig cfg)
    {
        if (cfg.Json["cropping"] is System.Text.Json.Nodes.JsonArray a && a[0] is System.Text.Json.Nodes.JsonArray)
            return (Int(a[0]![0]), Int(a[0]![1]), Int(a[1]![0]), Int(a[1]![1]));
        var (ch, cw) = cfg.Pair("cropping") ?? (0, 0);
        return (ch, ch, cw, cw);

        static int Int(System.Text.Json.Nodes.JsonNode? n) => (int)n!.GetValue<double>();
    }

    /// <summary>Keras' CenterCrop starts at int((size − target) / 2); a smaller image is resized instead, which ModelBuild does not do.</summary>
    private (int Top, int Bottom, int Left, int Right) CenterWindow(KerasConfig cfg, Tensor x)
    {
        int th = cfg.Int("height", 0), tw = cfg.Int("width", 0);
        int dh = x.Shape[1] - th, dw = x.Shape[2] - tw;
        if (dh < 0 || dw < 0)
            throw Unsupported($"on a {x.Shape[1]}x{x.Shape[2]} image smaller than its {th}x{tw} target (Keras resizes then; only cropping is supported)");
        return (dh / 2, dh - dh / 2, dw / 2, dw - dw / 2);
    }
}

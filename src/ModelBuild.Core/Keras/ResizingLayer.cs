using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>
/// keras.layers.Resizing: tf.image.resize with half-pixel centers (align_corners false), bilinear → RESIZE_BILINEAR,
/// nearest → RESIZE_NEAREST_NEIGHBOR; an identity when the image already has the target size.
/// </summary>
internal sealed partial class LayerConverter
{
    private Tensor Resizing(KerasConfig cfg, Tensor x)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        int h = cfg.Int("height", -1), w = cfg.Int("width", -1);
        if (h <= 0 || w <= 0) throw Unsupported($"with target size {h}×{w}");
        int ih = x.Shape[1], iw = x.Shape[2];
        foreach (var option in new[] { "crop_to_aspect_ratio", "pad_to_aspect_ratio" })
            if (cfg.Bool(option, false) && !SameAspectRatio(ih, iw, h, w))
                throw Unsupported($"with {option} from {ih}×{iw} to {h}×{w} (only a plain resize is supported; crop or pad the images before the model)");
        if (h == ih && w == iw) return x;
        var interpolation = cfg.String("interpolation", "bilinear");
        var op = interpolation switch
        {
            "bilinear" => OpType.ResizeBilinear,
            "nearest" => OpType.ResizeNearestNeighbor,
            _ => throw Unsupported($"with interpolation '{interpolation}' (bilinear and nearest are supported)"),
        };
        if (cfg.Bool("antialias", false) && (h < ih || w < iw) && op == OpType.ResizeBilinear)
            throw Unsupported($"with antialias when shrinking {ih}×{iw} to {h}×{w} (TFLite's resize has no antialiasing)");
        return g.Emit(op, _layer, [1, h, w, x.Shape[3]], [x, g.IntConstant(_layer + "/size", [h, w])], new ResizeOptions(HalfPixelCenters: true));
    }

    /// <summary>Keras crops (or pads) to int(w·th/tw) × int(h·tw/th); nothing to do when that is the image itself.</summary>
    private static bool SameAspectRatio(int ih, int iw, int th, int tw) =>
        (int)((double)iw * th / tw) == ih && (int)((double)ih * tw / th) == iw;
}

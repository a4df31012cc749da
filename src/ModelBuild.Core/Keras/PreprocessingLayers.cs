using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>
/// Keras preprocessing and augmentation layers inside a model, as they compute at inference: the random
/// augmentations pass their input through; RandomCrop is an identity when the size already matches; Resizing is a
/// resize (see ResizingLayer), CenterCrop a SLICE (see CroppingLayers); Rescaling is a multiply (and an add only
/// for a non-zero offset), which <see cref="RescalingFolding"/> later folds into the convolution it feeds.
/// </summary>
internal sealed partial class LayerConverter
{
    // Properties, not fields: SupportedLayers (in the other part of this class) reads them during static initialization.
    private static string[] RandomAugmentations =>
        ["RandomBrightness", "RandomContrast", "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom"];

    private static string[] PreprocessingLayers =>
        [.. RandomAugmentations, "RandomCrop (to the size it receives)", "Resizing (bilinear, nearest)", "Rescaling"];

    /// <summary>Converts a preprocessing layer; false when <paramref name="className"/> is not one.</summary>
    private bool TryPreprocessing(string className, KerasConfig cfg, IReadOnlyList<Tensor> inputs, out Tensor output)
    {
        var x = inputs[0];
        output = x;
        if (RandomAugmentations.Contains(className)) return true;
        switch (className)
        {
            case "RandomCrop":
                RequireSameSize(cfg, x, "at inference Keras center-crops to the target aspect ratio and resizes (bilinear), depending on its version");
                return true;
            case "Resizing":
                output = Resizing(cfg, x);
                return true;
            case "Rescaling":
                output = Rescaling(cfg, x);
                return true;
            default:
                return false;
        }
    }

    private void RequireSameSize(KerasConfig cfg, Tensor x, string otherwise)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        int h = cfg.Int("height", -1), w = cfg.Int("width", -1);
        if (h == x.Shape[1] && w == x.Shape[2]) return;
        throw Unsupported($"from {x.Shape[1]}×{x.Shape[2]} to {h}×{w} ({otherwise}, which is not supported — resize the images before the model, or give the model an input of {h}×{w})");
    }

    /// <summary>keras.layers.Rescaling: x · scale + offset, per channel or scalar; no ADD for a zero offset, so nothing inexact remains once folded.</summary>
    private Tensor Rescaling(KerasConfig cfg, Tensor x)
    {
        var scale = ConstantList(cfg, "scale", 1, x);
        var offset = ConstantList(cfg, "offset", 0, x);
        var hasOffset = offset.Any(v => v != 0);
        var scaled = g.Emit(OpType.Mul, hasOffset ? _layer + "/scale" : _layer, x.Shape, [x, g.Constant(_layer + "/multiplier", [scale.Length], scale)], new ElementwiseOptions());
        if (!hasOffset) return scaled;
        return g.Emit(OpType.Add, _layer, x.Shape, [scaled, g.Constant(_layer + "/offset", [offset.Length], offset)], new ElementwiseOptions());
    }
}

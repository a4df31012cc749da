using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>keras.layers.Normalization and the per-channel constant lists it (and Rescaling) read from a config.</summary>
internal sealed partial class LayerConverter
{
    /// <summary>A number or a per-channel list from the config (Rescaling's scale/offset, Normalization's mean/variance).</summary>
    private float[] ConstantList(KerasConfig cfg, string key, float fallback, Tensor x)
    {
        if (!cfg.Json.TryGetPropertyValue(key, out var v) || v is null) return [fallback];
        var values = v is System.Text.Json.Nodes.JsonArray a
            ? Flatten(a).ToArray()
            : [(float)v.GetValue<double>()];
        if (values.Length != 1 && values.Length != x.Shape[^1])
            throw Unsupported($"with a '{key}' of {values.Length} values for {x.Shape[^1]} channels");
        return values;

        static IEnumerable<float> Flatten(System.Text.Json.Nodes.JsonArray a) =>
            a.SelectMany(e => e is System.Text.Json.Nodes.JsonArray inner ? Flatten(inner) : [(float)e!.GetValue<double>()]);
    }

    /// <summary>keras.layers.Normalization: (x - mean) / max(sqrt(variance), 1e-7), from its weights or its config.</summary>
    private Tensor Normalization(KerasConfig cfg, Tensor x, LayerWeights w)
    {
        if (cfg.Bool("invert", false)) throw Unsupported("with invert=True");
        var axis = cfg.IntList("axis") ?? [-1];
        if (axis.Length != 1 || (axis[0] != -1 && axis[0] != x.Rank - 1)) throw Unsupported("over an axis other than the channels");
        int c = x.Shape[^1];
        float[] mean, variance;
        if (cfg.Has("mean") && cfg.Has("variance"))
        {
            mean = ConstantList(cfg, "mean", 0, x);
            variance = ConstantList(cfg, "variance", 1, x);
        }
        else
        {
            mean = w.GetAnyShape("mean", c);
            variance = w.GetAnyShape("variance", c);
        }

        var n = Math.Max(mean.Length, variance.Length);
        var scale = new float[n];
        var shift = new float[n];
        for (int i = 0; i < n; i++)
        {
            var m = mean[mean.Length == 1 ? 0 : i];
            var sd = Math.Max(Math.Sqrt(variance[variance.Length == 1 ? 0 : i]), 1e-7);
            scale[i] = (float)(1 / sd);
            shift[i] = (float)(-m / sd);
        }

        var scaled = g.Emit(OpType.Mul, _layer + "/scale", x.Shape, [x, g.Constant(_layer + "/multiplier", [n], scale)], new ElementwiseOptions());
        return g.Emit(OpType.Add, _layer, x.Shape, [scaled, g.Constant(_layer + "/offset", [n], shift)], new ElementwiseOptions());
    }
}

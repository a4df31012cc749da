using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.Cropping2D(((top, bottom), (left, right))).</summary>
internal sealed class Cropping2DLayer(string name, SynthLayer input, int top, int bottom, int left, int right) : SynthLayer(name, input)
{
    public override string ClassName => "Cropping2D";

    public override int[] OutputShape
    {
        get
        {
            var s = Inputs[0].OutputShape;
            return [s[0] - top - bottom, s[1] - left - right, s[2]];
        }
    }

    protected override void AddConfig(JsonObject config)
    {
        config["cropping"] = new JsonArray(Pair(top, bottom), Pair(left, right));
        config["data_format"] = "channels_last";
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        int h = x.H - top - bottom, w = x.W - left - right;
        var y = FeatureMap.Alloc(x.Batch, h, w, x.C);
        for (int n = 0; n < x.Batch; n++)
            for (int r = 0; r < h; r++)
                x.Data.AsSpan(((n * x.H + r + top) * x.W + left) * x.C, w * x.C).CopyTo(y.Data.AsSpan((n * h + r) * w * x.C));
        return y;
    }
}

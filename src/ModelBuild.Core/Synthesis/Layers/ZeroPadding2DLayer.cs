using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.ZeroPadding2D(((top, bottom), (left, right))).</summary>
internal sealed class ZeroPadding2DLayer(string name, SynthLayer input, int top, int bottom, int left, int right) : SynthLayer(name, input)
{
    public override string ClassName => "ZeroPadding2D";

    public override int[] OutputShape
    {
        get
        {
            var s = Inputs[0].OutputShape;
            return [s[0] + top + bottom, s[1] + left + right, s[2]];
        }
    }

    protected override void AddConfig(JsonObject config)
    {
        config["padding"] = new JsonArray(Pair(top, bottom), Pair(left, right));
        config["data_format"] = "channels_last";
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        var y = FeatureMap.Alloc(x.Batch, x.H + top + bottom, x.W + left + right, x.C);
        for (int n = 0; n < x.Batch; n++)
            for (int r = 0; r < x.H; r++)
                x.Data.AsSpan(((n * x.H + r) * x.W) * x.C, x.W * x.C)
                    .CopyTo(y.Data.AsSpan(((n * y.H + r + top) * y.W + left) * x.C));
        return y;
    }
}

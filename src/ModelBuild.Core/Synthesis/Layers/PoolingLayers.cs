using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.MaxPooling2D(pool, strides), valid padding.</summary>
internal sealed class MaxPooling2DLayer(string name, SynthLayer input, int pool, int stride) : SynthLayer(name, input)
{
    public override string ClassName => "MaxPooling2D";

    public override int[] OutputShape => SynthKernels.WindowShape(Inputs[0].OutputShape, pool, stride, same: false, Inputs[0].OutputShape[2]);

    protected override void AddConfig(JsonObject config)
    {
        config["pool_size"] = Pair(pool, pool);
        config["padding"] = "valid";
        config["strides"] = Pair(stride, stride);
        config["data_format"] = "channels_last";
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        int oh = SynthKernels.Window(x.H, pool, stride, false).Out, ow = SynthKernels.Window(x.W, pool, stride, false).Out;
        var y = FeatureMap.Alloc(x.Batch, oh, ow, x.C);
        for (int n = 0; n < x.Batch; n++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    var dst = y.Data.AsSpan(((n * oh + oy) * ow + ox) * x.C, x.C);
                    dst.Fill(float.NegativeInfinity);
                    for (int ky = 0; ky < pool; ky++)
                        for (int kx = 0; kx < pool; kx++)
                        {
                            var src = x.Data.AsSpan(((n * x.H + oy * stride + ky) * x.W + ox * stride + kx) * x.C, x.C);
                            for (int c = 0; c < x.C; c++) dst[c] = Math.Max(dst[c], src[c]);
                        }
                }

        return y;
    }
}

/// <summary>keras.layers.GlobalAveragePooling2D() to a [C] vector, or with keepdims to [1, 1, C] (MobileNetV3).</summary>
internal sealed class GlobalAveragePooling2DLayer(string name, SynthLayer input, bool keepdims = false) : SynthLayer(name, input)
{
    public override string ClassName => "GlobalAveragePooling2D";

    public override int[] OutputShape => keepdims ? [1, 1, Inputs[0].OutputShape[^1]] : [Inputs[0].OutputShape[^1]];

    protected override void AddConfig(JsonObject config)
    {
        config["data_format"] = "channels_last";
        config["keepdims"] = keepdims;
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        var y = FeatureMap.Alloc(x.Batch, 1, 1, x.C);
        int pixels = x.H * x.W;
        for (int n = 0; n < x.Batch; n++)
            for (int c = 0; c < x.C; c++)
            {
                double sum = 0;
                for (int p = 0; p < pixels; p++) sum += x.Data[(n * pixels + p) * x.C + c];
                y.Data[n * x.C + c] = (float)(sum / pixels);
            }

        return y;
    }
}

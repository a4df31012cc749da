using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.MaxPooling2D(pool, strides, padding).</summary>
internal sealed class MaxPooling2DLayer(string name, SynthLayer input, int pool, int stride, bool same = false) : SynthLayer(name, input)
{
    public override string ClassName => "MaxPooling2D";

    public override int[] OutputShape => PoolingKernels.OutputShape(Inputs[0].OutputShape, pool, stride, same);

    protected override void AddConfig(JsonObject config) => AddPoolingConfig(config, pool, stride, same);

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) => PoolingKernels.Pool(inputs[0], pool, stride, same, average: false);
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

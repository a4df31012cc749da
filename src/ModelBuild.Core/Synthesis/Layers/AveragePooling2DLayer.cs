using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.AveragePooling2D(pool, strides, padding); "same" averages over the real inputs only, as TensorFlow does.</summary>
internal sealed class AveragePooling2DLayer(string name, SynthLayer input, int pool, int stride, bool same) : SynthLayer(name, input)
{
    public override string ClassName => "AveragePooling2D";

    public override int[] OutputShape => PoolingKernels.OutputShape(Inputs[0].OutputShape, pool, stride, same);

    protected override void AddConfig(JsonObject config) => AddPoolingConfig(config, pool, stride, same);

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) => PoolingKernels.Pool(inputs[0], pool, stride, same, average: true);
}

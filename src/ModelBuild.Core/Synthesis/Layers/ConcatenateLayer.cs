using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>
/// keras.layers.Concatenate along the channels. The axis is written as the architecture spells it
/// (DenseNet and InceptionV3 say 3, NASNet -1); both mean the channel axis of an NHWC tensor.
/// </summary>
internal sealed class ConcatenateLayer : SynthLayer
{
    private readonly int _axis;

    public ConcatenateLayer(string name, int axis, params SynthLayer[] inputs) : base(name, inputs)
    {
        _axis = axis;
        var s = inputs[0].OutputShape;
        // Computed once: DenseNet chains dozens of concatenations, and a getter would walk the whole chain each time.
        OutputShape = [s[0], s[1], inputs.Sum(i => i.OutputShape[2])];
    }

    public override string ClassName => "Concatenate";

    public override int[] OutputShape { get; }

    protected override void AddConfig(JsonObject config) => config["axis"] = _axis;

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var first = inputs[0];
        int channels = inputs.Sum(x => x.C);
        var y = FeatureMap.Alloc(first.Batch, first.H, first.W, channels);
        long pixels = (long)first.Batch * first.H * first.W;
        for (long p = 0; p < pixels; p++)
        {
            int offset = 0;
            foreach (var x in inputs)
            {
                x.Data.AsSpan((int)(p * x.C), x.C).CopyTo(y.Data.AsSpan((int)(p * channels) + offset));
                offset += x.C;
            }
        }

        return y;
    }
}

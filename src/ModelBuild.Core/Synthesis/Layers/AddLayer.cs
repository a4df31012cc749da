using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.Add of two tensors of one shape.</summary>
internal sealed class AddLayer(string name, SynthLayer a, SynthLayer b) : SynthLayer(name, a, b)
{
    public override string ClassName => "Add";

    public override int[] OutputShape => Inputs[0].OutputShape;

    public override bool Keras3HasBuildConfig => true;

    protected override void AddConfig(JsonObject config)
    {
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var (a, b) = (inputs[0], inputs[1]);
        var y = a with { Data = new float[a.Data.Length] };
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = a.Data[i] + b.Data[i];
        return y;
    }
}

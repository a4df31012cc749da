using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>The activations the synthesized applications use, by Keras name.</summary>
internal enum SynthActivation
{
    Linear,
    Relu,
    Sigmoid,
    Swish,
    HardSwish,
    Softmax,
}

/// <summary>
/// The float forms of <see cref="SynthActivation"/>. Hard-swish is x · (min(max(x + 3, 0), 6) · (1/6)), the same
/// float steps as the Keras 2 layer chain (add 3, ReLU(6), multiply by 1/6, Multiply), so both file formats of
/// MobileNetV3 measure the same batch-norm statistics.
/// </summary>
internal static class SynthActivations
{
    public const float OneSixth = (float)(1.0 / 6.0);

    public static string KerasName(SynthActivation activation) => activation switch
    {
        SynthActivation.Linear => "linear",
        SynthActivation.Relu => "relu",
        SynthActivation.Sigmoid => "sigmoid",
        SynthActivation.Swish => "swish",
        SynthActivation.HardSwish => "hard_swish",
        SynthActivation.Softmax => "softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public static float HardSigmoid(float x) => Math.Min(Math.Max(x + 3f, 0f), 6f) * OneSixth;

    public static void SoftmaxInPlace(Span<float> v)
    {
        float max = float.NegativeInfinity;
        foreach (var e in v) max = Math.Max(max, e);
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = MathF.Exp(v[i] - max);
            sum += v[i];
        }

        for (int i = 0; i < v.Length; i++) v[i] = (float)(v[i] / sum);
    }

    /// <summary>Applies <paramref name="activation"/> to <paramref name="x"/> in place and returns it.</summary>
    public static FeatureMap Apply(SynthActivation activation, FeatureMap x)
    {
        var d = x.Data;
        switch (activation)
        {
            case SynthActivation.Linear: break;
            case SynthActivation.Relu: for (int i = 0; i < d.Length; i++) d[i] = Math.Max(d[i], 0f); break;
            case SynthActivation.Sigmoid: for (int i = 0; i < d.Length; i++) d[i] = Sigmoid(d[i]); break;
            case SynthActivation.Swish: for (int i = 0; i < d.Length; i++) d[i] *= Sigmoid(d[i]); break;
            case SynthActivation.HardSwish: for (int i = 0; i < d.Length; i++) d[i] *= HardSigmoid(d[i]); break;
            case SynthActivation.Softmax:
                for (int start = 0; start < d.Length; start += x.C) SoftmaxInPlace(d.AsSpan(start, x.C));
                break;
        }

        return x;
    }
}

/// <summary>keras.layers.Activation(name): swish in EfficientNet, hard_swish in Keras 3's MobileNetV3.</summary>
internal sealed class ActivationLayer(string name, SynthLayer input, SynthActivation activation) : SynthLayer(name, input)
{
    public override string ClassName => "Activation";

    public override int[] OutputShape => Inputs[0].OutputShape;

    protected override void AddConfig(JsonObject config) => config["activation"] = SynthActivations.KerasName(activation);

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) =>
        SynthActivations.Apply(activation, inputs[0] with { Data = (float[])inputs[0].Data.Clone() });
}

using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>Activations of a batch in NHWC order; a vector is 1×1×C.</summary>
internal readonly record struct FeatureMap(float[] Data, int Batch, int H, int W, int C)
{
    public static FeatureMap Alloc(int batch, int h, int w, int c) => new(new float[(long)batch * h * w * c], batch, h, w, c);
}

/// <summary>
/// A weight of a layer as Keras stores it: short name (kernel, bias, gamma ...), Keras shape, values in C order.
/// <paramref name="IsInt64"/>: an int64 scalar (Normalization's count), written from <c>Values[0]</c>.
/// </summary>
internal sealed record SynthWeight(string Name, int[] Shape, float[] Values, bool IsInt64 = false);

/// <summary>
/// One Keras layer of a synthesized functional model, called once: its class, its config as Keras 2 writes it,
/// its weights, and a plain float forward pass (NHWC, batch first) used to measure batch-norm statistics.
/// </summary>
internal abstract class SynthLayer
{
    protected SynthLayer(string name, params SynthLayer[] inputs)
    {
        Name = name;
        Inputs = inputs;
    }

    public string Name { get; }

    public IReadOnlyList<SynthLayer> Inputs { get; }

    /// <summary>
    /// The name whose random stream draws the weights; by default the layer's name. Where Keras 2 and 3 name a layer
    /// differently (MobileNetV3), both files seed it by the Keras 2 name, so they carry the same weights.
    /// </summary>
    public string? SeedKey { get; init; }

    public abstract string ClassName { get; }

    /// <summary>Output shape without the batch dimension: [H, W, C] or [C].</summary>
    public abstract int[] OutputShape { get; }

    public virtual IReadOnlyList<SynthWeight> Weights => [];

    /// <summary>Draws the layer's weights from its own random stream.</summary>
    public virtual void Initialize(SynthRandom random)
    {
    }

    /// <summary>The layer's config object in Keras 2's key order.</summary>
    public virtual JsonObject Config()
    {
        var config = new JsonObject { ["name"] = Name, ["trainable"] = true, ["dtype"] = "float32" };
        AddConfig(config);
        return config;
    }

    protected abstract void AddConfig(JsonObject config);

    /// <summary>The Python module Keras 3 records for the class: public layers are "keras.layers".</summary>
    public virtual string Keras3Module => "keras.layers";

    /// <summary>Keras 3's registered_name: null for public layers, the class name for internal operations.</summary>
    public virtual string? Keras3RegisteredName => null;

    /// <summary>True for layers whose class defines build(): Keras 3 records their input shape as build_config.</summary>
    public virtual bool Keras3HasBuildConfig => false;

    /// <summary>The layer's config as Keras 3 writes it; by default the Keras 2 keys with Keras 3's dtype and initializer objects.</summary>
    public virtual JsonObject Keras3Config()
    {
        var config = Config();
        Keras3Serialization.Upgrade(config);
        return config;
    }

    /// <summary>The <c>args</c> of the layer's call in a Keras 3 config: one tensor, or a list of tensors for a merge layer.</summary>
    public virtual JsonArray Keras3CallArgs(IReadOnlyList<JsonNode> tensors) =>
        tensors.Count == 1 ? [tensors[0]] : [new JsonArray([.. tensors])];

    /// <summary>The keyword arguments a Keras 2 inbound node carries (a TFOpLambda's constant operand).</summary>
    public virtual JsonObject Keras2CallKwargs() => [];

    /// <summary>The <c>kwargs</c> Keras 3 records for the call (e.g. <c>mask: null</c> when call() takes a mask).</summary>
    public virtual JsonObject Keras3CallKwargs() => [];

    /// <summary>
    /// Computes the layer's output. Spatial sizes come from the inputs, not from <see cref="OutputShape"/>, so the
    /// statistics pass can run at a smaller resolution than the model's input.
    /// </summary>
    public abstract FeatureMap Forward(IReadOnlyList<FeatureMap> inputs);

    protected int InputChannels(int i = 0) => Inputs[i].OutputShape[^1];

    protected static JsonArray Pair(int a, int b) => [a, b];

    internal static JsonObject Initializer(string className, JsonObject? config = null) =>
        new() { ["class_name"] = className, ["config"] = config ?? new JsonObject() };

    /// <summary>Draws a He-uniform kernel (limit √(6 / fan-in)) and, where given, a small bias in [-0.05, 0.05).</summary>
    protected static void DrawHeUniform(SynthRandom random, float[] kernel, int fanIn, float[]? bias = null)
    {
        random.FillUniform(kernel, MathF.Sqrt(6f / fanIn));
        if (bias is not null) random.FillUniform(bias, 0.05f);
    }

    /// <summary>The window keys Keras's convolutions (Conv2D, DepthwiseConv2D) write, activation linear, in Keras 2's order.</summary>
    protected static void AddConvolutionWindowConfig(JsonObject config, int kernel, int stride, bool same) =>
        AddConvolutionWindowConfig(config, (kernel, kernel), stride, same);

    /// <summary>The window keys of a convolution with a rectangular window.</summary>
    protected static void AddConvolutionWindowConfig(JsonObject config, (int Height, int Width) kernel, int stride, bool same)
    {
        config["kernel_size"] = Pair(kernel.Height, kernel.Width);
        config["strides"] = Pair(stride, stride);
        config["padding"] = same ? "same" : "valid";
        config["data_format"] = "channels_last";
        config["dilation_rate"] = Pair(1, 1);
        config["groups"] = 1;
        config["activation"] = "linear";
    }

    /// <summary>use_bias and the kernel and bias keys (default initializers, no regularizers or constraints) Conv2D and Dense write.</summary>
    protected static void AddKernelAndBiasConfig(JsonObject config, bool useBias, string kernelInitializer = "GlorotUniform")
    {
        config["use_bias"] = useBias;
        config["kernel_initializer"] = Initializer(kernelInitializer, new JsonObject { ["seed"] = null });
        config["bias_initializer"] = Initializer("Zeros");
        config["kernel_regularizer"] = null;
        config["bias_regularizer"] = null;
        config["activity_regularizer"] = null;
        config["kernel_constraint"] = null;
        config["bias_constraint"] = null;
    }

    /// <summary>The keys Keras 2's MaxPooling2D and AveragePooling2D write, in its order.</summary>
    protected static void AddPoolingConfig(JsonObject config, int pool, int stride, bool same)
    {
        config["pool_size"] = Pair(pool, pool);
        config["padding"] = same ? "same" : "valid";
        config["strides"] = Pair(stride, stride);
        config["data_format"] = "channels_last";
    }
}

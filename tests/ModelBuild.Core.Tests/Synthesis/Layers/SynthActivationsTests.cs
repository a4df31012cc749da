using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>The float forms of the synthesized activations, and the Activation layer that names them, read back by our reader.</summary>
[TestClass]
public sealed class SynthActivationsTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-activations");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    public void Every_activation_has_its_keras_name()
    {
        var names = Enum.GetValues<SynthActivation>().Select(SynthActivations.KerasName).ToArray();
        CollectionAssert.AreEqual(new[] { "linear", "relu", "sigmoid", "swish", "hard_swish", "softmax" }, names);
    }

    [TestMethod]
    public void Hard_sigmoid_is_relu6_of_x_plus_three_over_six()
    {
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0.5f, 1f, 1f }, new[] { -4f, -3f, 0f, 3f, 9f }.Select(SynthActivations.HardSigmoid).ToArray());
    }

    [TestMethod]
    public void Softmax_of_large_logits_stays_finite_and_sums_to_one()
    {
        var v = new[] { 1000f, 1000f, 0f };
        SynthActivations.SoftmaxInPlace(v);

        Assert.AreEqual(0.5f, v[0], 1e-6);
        Assert.AreEqual(0.5f, v[1], 1e-6);
        Assert.AreEqual(0f, v[2], 1e-6);
    }

    [TestMethod]
    public void Softmax_applies_per_pixel_over_the_channels()
    {
        var x = new FeatureMap([0f, 0f, 5f, 5f], 1, 1, 2, 2);
        CollectionAssert.AreEqual(new[] { 0.5f, 0.5f, 0.5f, 0.5f }, SynthActivations.Apply(SynthActivation.Softmax, x).Data);
    }

    [TestMethod]
    [DataRow("Swish", -2f, -0.238405844f)]
    [DataRow("HardSwish", -2f, -0.333333343f)]
    [DataRow("Sigmoid", 0f, 0.5f)]
    [DataRow("Linear", -2f, -2f)]
    [DataRow("Relu", -2f, 0f)]
    public void Apply_computes_the_activation(string activation, float x, float expected)
    {
        var y = SynthActivations.Apply(Enum.Parse<SynthActivation>(activation), new FeatureMap([x], 1, 1, 1, 1));
        Assert.AreEqual(expected, y.Data[0], 1e-6);
    }

    [TestMethod]
    [DataRow("Swish", "h5")]
    [DataRow("Swish", "keras")]
    [DataRow("HardSwish", "keras")]
    [DataRow("Sigmoid", "h5")]
    public void Activation_layer_reads_back_and_computes_as_synthesized(string activation, string extension)
    {
        var format = extension == "keras" ? SynthFileFormat.KerasArchive : SynthFileFormat.KerasH5;
        var model = Model($"activation_{activation}_{extension}", 4, 3,
            x => new ActivationLayer("act", new RescalingLayer("scale", x, 3.0, 0.0), Enum.Parse<SynthActivation>(activation)));
        AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));
    }

    [TestMethod]
    public void Activation_layer_leaves_its_input_unchanged()
    {
        var model = Model("activation_copy", 2, 2, x => new ActivationLayer("act", x, SynthActivation.Relu));
        var image = Images(1, 2, 2, seed: 3);
        var before = (float[])image.Data.Clone();

        model.Run(image);
        CollectionAssert.AreEqual(before, image.Data);
    }
}

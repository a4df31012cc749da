using System.Text.Json.Nodes;
using ModelBuild.Core.Keras;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>The order in which Keras 3 saves a layer's variables, which is how a .keras archive's weights are matched to names.</summary>
[TestClass]
public sealed class Keras3VariableNamesTests
{
    private static string Names(string className, JsonObject config) => string.Join(" ", Keras3VariableNames.Of(className, new KerasConfig(config)));

    [TestMethod]
    public void Dense_and_conv_layers_save_kernel_then_bias()
    {
        Assert.AreEqual("kernel bias", Names("Conv2D", Cfg()));
    }

    [TestMethod]
    public void Without_bias_only_the_kernel_is_saved()
    {
        Assert.AreEqual("kernel", Names("Dense", Cfg(("use_bias", false))));
    }

    [TestMethod]
    public void Separable_conv_saves_depthwise_then_pointwise_kernel_then_bias()
    {
        Assert.AreEqual("depthwise_kernel pointwise_kernel bias", Names("SeparableConv2D", Cfg()));
    }

    [TestMethod]
    public void Depthwise_conv_saves_its_depthwise_kernel()
    {
        Assert.AreEqual("depthwise_kernel bias", Names("DepthwiseConv2D", Cfg()));
    }

    [TestMethod]
    public void BatchNormalization_saves_gamma_and_beta_before_the_moving_statistics()
    {
        Assert.AreEqual("gamma beta moving_mean moving_variance", Names("BatchNormalization", Cfg()));
    }

    [TestMethod]
    public void BatchNormalization_without_scale_and_center_saves_only_the_moving_statistics()
    {
        Assert.AreEqual("moving_mean moving_variance", Names("BatchNormalization", Cfg(("scale", false), ("center", false))));
    }

    [TestMethod]
    public void Normalization_saves_mean_variance_and_count()
    {
        Assert.AreEqual("mean variance count", Names("Normalization", Cfg()));
    }
}

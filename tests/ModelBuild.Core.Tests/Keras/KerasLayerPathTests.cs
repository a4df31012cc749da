using ModelBuild.Core.Keras;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>Keras 3 saves a container's layers under their snake_case class name, numbered in order — not their own names.</summary>
[TestClass]
public sealed class KerasLayerPathTests
{
    [TestMethod]
    [DataRow("Conv2D", "conv2d")]
    [DataRow("BatchNormalization", "batch_normalization")]
    [DataRow("GlobalAveragePooling2D", "global_average_pooling2d")]
    [DataRow("DepthwiseConv2D", "depthwise_conv2d")]
    [DataRow("ReLU", "re_lu")]
    [DataRow("Sequential", "sequential")]
    [DataRow("InputLayer", "input_layer")]
    public void Class_names_become_Keras_snake_case(string className, string key) =>
        Assert.AreEqual(key, KerasLayerPath.SnakeCase(className));

    [TestMethod]
    public void Keys_count_per_class_in_order()
    {
        var keys = KerasLayerPath.SavingKeys([("data_augmentation", "Sequential"), ("stem", "Conv2D"), ("bn", "BatchNormalization"), ("head", "Conv2D"), ("inner", "Sequential")]);

        CollectionAssert.AreEqual(new[] { "sequential", "conv2d", "batch_normalization", "conv2d_1", "sequential_1" },
            new[] { "data_augmentation", "stem", "bn", "head", "inner" }.Select(n => keys[n]).ToArray());
    }
}

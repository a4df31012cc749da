using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasArchiveTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Augmentation layers are identities at inference and Rescaling is folded exactly: a Keras 3 model with both
/// gives the same int8 model, byte for byte, as the same model written without them (its first kernel pre-scaled).
/// </summary>
[TestClass]
public sealed class PreprocessingLayersTests
{
    private const float Scale = (float)(1 / 255.0);
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("keras-preprocessing");

    [TestMethod]
    public void Augmentation_and_Rescaling_give_the_int8_model_of_the_model_without_them()
    {
        var kernel = Random(1, 3, 3, 3, 8);
        var augmented = WriteAugmented("augmented.keras", kernel, 1 / 255.0);
        var plain = WritePlain("plain.keras", (kernel.Data.Select(v => v * Scale).ToArray(), kernel.Shape));

        var a = Int8Bytes(augmented);
        var b = Int8Bytes(plain);

        Assert.HasCount(b.Length, a, "int8 model sizes");
        CollectionAssert.AreEqual(b, a, "the int8 model with augmentation and Rescaling differs from the one without");
    }

    [TestMethod]
    public void The_comparison_sees_a_different_rescaling()
    {
        var kernel = Random(1, 3, 3, 3, 8);
        var otherScale = WriteAugmented("augmented_127.keras", kernel, 1 / 127.5);
        var plain = WritePlain("plain_255.keras", (kernel.Data.Select(v => v * Scale).ToArray(), kernel.Shape));

        CollectionAssert.AreNotEqual(Int8Bytes(plain), Int8Bytes(otherScale));
    }

    [TestMethod]
    [DataRow("RandomCrop", "center-crops")]
    public void A_random_crop_to_another_size_is_MB1003_saying_it_is_not_supported(string className, string says)
    {
        var config = Functional("sized", "input_layer", "layer",
            InputLayer("input_layer", null, 16, 16, 3),
            Layer(className, "layer", Cfg(("height", 8), ("width", 8), ("interpolation", "bilinear")), "input_layer"));
        var path = Write(Path.Combine(_dir, className + ".keras"), config, []);

        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));

        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, $"layer 'layer' ({className})");
        StringAssert.Contains(e.Message, says);
        StringAssert.Contains(e.Message, "16×16 to 8×8");
        StringAssert.Contains(e.Message, "which is not supported");
    }

    [TestMethod]
    [DataRow("LayerNormalization")]
    [DataRow("Lambda")]
    public void Layers_whose_computation_is_not_supported_stay_MB1003(string className)
    {
        var config = Functional("unsupported", "input_layer", "layer",
            InputLayer("input_layer", null, 4, 4, 3),
            Layer(className, "layer", Cfg(("axis", -1)), "input_layer"));
        var path = Write(Path.Combine(_dir, className + ".keras"), config, [("layers/layer_normalization/vars", [Random(1, 3), Random(2, 3)])]);

        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));

        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, $"layer 'layer' ({className}) is not supported");
    }

    [TestMethod]
    public void Gelu_activation_stays_MB1003()
    {
        var config = Functional("gelu", "input_layer", "act",
            InputLayer("input_layer", null, 4, 4, 3),
            Layer("Activation", "act", Cfg(("activation", "gelu")), "input_layer"));
        var path = Write(Path.Combine(_dir, "gelu.keras"), config, []);

        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));

        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "activation 'gelu'");
    }

    private static byte[] Int8Bytes(string path)
    {
        var graph = KerasModelReader.Read(path);
        var r = new System.Random(5);
        var samples = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 16 * 16 * 3).Select(_ => (float)r.Next(256)).ToArray()).ToList();
        var ranges = Calibrator.Calibrate(graph, samples, new RecordingBuildLog());
        return TfLiteWriter.Write(Quantizer.Quantize(graph, ranges));
    }

    /// <summary>Input → every augmentation layer (nested) → same-size Resizing → Rescaling → the convolutional body.</summary>
    private static string WriteAugmented(string name, (float[] Data, int[] Shape) kernel, double scale)
    {
        var augmentation = CalledOn(Sequential("data_augmentation",
            InputLayer("input_layer_1", null, 16, 16, 3),
            Layer("RandomFlip", "random_flip", Cfg(("mode", "horizontal_and_vertical"), ("seed", 3))),
            Layer("RandomRotation", "random_rotation", Cfg(("factor", new JsonArray(-0.2, 0.2)), ("interpolation", "bilinear"))),
            Layer("RandomZoom", "random_zoom", Cfg(("height_factor", 0.2))),
            Layer("RandomTranslation", "random_translation", Cfg(("height_factor", 0.1), ("width_factor", 0.1))),
            Layer("RandomContrast", "random_contrast", Cfg(("factor", 0.2))),
            Layer("RandomBrightness", "random_brightness", Cfg(("factor", 0.2))),
            Layer("RandomCrop", "random_crop", Cfg(("height", 16), ("width", 16)))), "input_layer");
        var head = new[]
        {
            InputLayer("input_layer", null, 16, 16, 3),
            augmentation,
            Layer("Resizing", "resizing", Cfg(("height", 16), ("width", 16), ("interpolation", "bilinear")), "data_augmentation"),
            Layer("Rescaling", "rescaling", Cfg(("scale", scale), ("offset", 0.0)), "resizing"),
        };
        return Write(Path.Combine(_dir, name), Functional("cnn", "input_layer", "dense", [.. head, .. Body("rescaling")]), Weights(kernel));
    }

    private static string WritePlain(string name, (float[] Data, int[] Shape) kernel) =>
        Write(Path.Combine(_dir, name), Functional("cnn", "input_layer", "dense", [InputLayer("input_layer", null, 16, 16, 3), .. Body("input_layer")]), Weights(kernel));

    private static JsonObject[] Body(string from) =>
    [
        Layer("Conv2D", "conv2d", Cfg(("filters", 8), ("kernel_size", new JsonArray(3, 3)), ("strides", new JsonArray(1, 1)), ("padding", "same"), ("activation", "relu"), ("use_bias", true)), from),
        Layer("BatchNormalization", "batch_normalization", Cfg(("axis", -1), ("epsilon", 0.001), ("center", true), ("scale", true)), "conv2d"),
        Layer("MaxPooling2D", "max_pooling2d", Cfg(("pool_size", new JsonArray(2, 2)), ("strides", new JsonArray(2, 2)), ("padding", "valid")), "batch_normalization"),
        Layer("Conv2D", "conv2d_1", Cfg(("filters", 8), ("kernel_size", new JsonArray(3, 3)), ("strides", new JsonArray(1, 1)), ("padding", "valid"), ("activation", "relu"), ("use_bias", true)), "max_pooling2d"),
        Layer("GlobalAveragePooling2D", "global_average_pooling2d", Cfg(("keepdims", false)), "conv2d_1"),
        Layer("Dense", "dense", Cfg(("units", 3), ("activation", "softmax"), ("use_bias", true)), "global_average_pooling2d"),
    ];

    private static (string, (float[], int[])[])[] Weights((float[] Data, int[] Shape) kernel) =>
    [
        ("layers/conv2d/vars", [kernel, Random(2, 8)]),
        ("layers/batch_normalization/vars", [Random(3, 8), Random(4, 8), Random(5, 8), (Random(6, 8).Data.Select(v => v + 1f).ToArray(), [8])]),
        ("layers/conv2d_1/vars", [Random(7, 3, 3, 8, 8), Random(8, 8)]),
        ("layers/dense/vars", [Random(9, 8, 3), Random(10, 3)]),
    ];
}

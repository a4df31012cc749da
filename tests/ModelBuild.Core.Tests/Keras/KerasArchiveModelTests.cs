using System.Text.Json;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasArchiveTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// The real Keras 3 `.keras` files of ../shared/models/keras read and run in float as Keras computes them: their
/// reference input is the fixed input ×255 (the models take raw pixels; Rescaling is inside), and 14 also has a
/// reference for the bird photo.
/// </summary>
[TestClass]
public sealed class KerasArchiveModelTests
{
    private const string Potato14 = "14_keras3.13_potato_cnn_nested_augmentation.keras";
    private const string Potato15 = "15_keras3.10_potato_cnn_nested_resizing_rescaling_augmentation.keras";

    [TestMethod]
    [DataRow(Potato14)]
    [DataRow(Potato15)]
    public void Float_output_matches_the_reference(string file)
    {
        var graph = KerasModelReader.Read(RepoPaths.KerasModel(file));
        var input = ReferenceInput.For(graph.Inputs[0].Shape).Select(v => v * 255f).ToArray();

        var output = new FloatExecutor(graph).Run(input);

        FloatOutputAssert.Close(LoadReference(file), output, 1e-4, file);
    }

    [TestMethod]
    [DataRow(Potato14)]
    [DataRow(Potato15)]
    public void Float_tflite_written_from_the_archive_reproduces_the_reference_in_TFLite(string file)
    {
        var graph = KerasModelReader.Read(RepoPaths.KerasModel(file));
        var input = ReferenceInput.For(graph.Inputs[0].Shape).Select(v => v * 255f).ToArray();
        using var interpreter = TfLiteRuntime.Load(TfLiteWriter.Write(graph));

        FloatOutputAssert.Close(LoadReference(file), interpreter.RunFloat(input), 1e-4, file + " in TFLite");
    }

    [TestMethod]
    public void Model_14_classifies_the_bird_photo_as_Keras_does()
    {
        var graph = KerasModelReader.Read(RepoPaths.KerasModel(Potato14));
        var input = File.ReadAllBytes(RepoPaths.Image("bird.rgb")).Select(b => (float)b).ToArray();

        var output = new FloatExecutor(graph).Run(input);

        FloatOutputAssert.Close([0.9999035596847534f, 9.640971984481439e-05f], output, 1e-4, "14 on bird.rgb");
    }

    [TestMethod]
    [DataRow(Potato14, 224, 2)]
    [DataRow(Potato15, 256, 3)]
    public void Augmentation_and_preprocessing_leave_no_op_behind(string file, int size, int classes)
    {
        var raw = KerasModelReader.ReadUnoptimized(RepoPaths.KerasModel(file));
        var graph = KerasModelReader.Read(RepoPaths.KerasModel(file));

        CollectionAssert.AreEqual(new[] { 1, size, size, 3 }, graph.Inputs[0].Shape);
        CollectionAssert.AreEqual(new[] { 1, classes }, graph.Outputs[0].Shape);
        Assert.AreEqual(1, raw.Nodes.Count(n => n.SourceClass == "Rescaling"), "Rescaling is read as one multiply (its offset is 0)");
        Assert.IsFalse(graph.Nodes.Any(n => n.SourceClass is "Rescaling" or "Resizing" or "RandomFlip" or "RandomRotation" or "RandomZoom"),
            "the Rescaling is folded into the first convolution; the augmentations and the same-size Resizing are identities");
        Assert.AreEqual(OpType.Conv2D, graph.Nodes.Single(n => n.Inputs.Contains(graph.Inputs[0])).Op, "the first convolution reads the raw pixels");
    }

    [TestMethod]
    public void Nested_weights_are_found_by_their_saving_path_not_the_layer_name()
    {
        // 14's nested augmentation model is named "data_augmentation" but saved as layers/sequential; 15's first
        // convolution is the first Conv2D at the top level, saved as layers/conv2d.
        var graph = KerasModelReader.ReadUnoptimized(RepoPaths.KerasModel(Potato15));
        var kernel = graph.Nodes.First(n => n.Op == OpType.Conv2D).Inputs[1]!;
        CollectionAssert.AreEqual(new[] { 32, 3, 3, 3 }, kernel.Shape);
        Assert.IsTrue(kernel.FloatData.Any(v => v != 0));
    }

    private static System.Text.Json.Nodes.JsonObject Conv(int filters, string padding) =>
        Cfg(("filters", filters), ("kernel_size", new System.Text.Json.Nodes.JsonArray(3, 3)), ("strides", new System.Text.Json.Nodes.JsonArray(1, 1)),
            ("padding", padding), ("activation", "relu"), ("use_bias", true));

    [TestMethod]
    public void Nested_models_at_depth_three_with_a_fixed_batch_equal_the_flat_model()
    {
        // Functional ⊃ Sequential ⊃ Functional; the input says batch 8, the model is emitted for batch 1. The random
        // layer's seed_generator state sits in the weights file and is not a weight.
        var dir = RepoPaths.NewScratchDirectory("keras-nested");
        var inner = CalledOn(Functional("backbone", "input_layer_2", "inner_conv",
            InputLayer("input_layer_2", 8, 8, 8, 3),
            Layer("Conv2D", "inner_conv", Conv(4, "same"), "input_layer_2")), "input_layer_1");
        var middle = CalledOn(Sequential("features",
            InputLayer("input_layer_1", 8, 8, 8, 3),
            Layer("RandomFlip", "random_flip", Cfg(("mode", "horizontal"))),
            inner), "input_layer");
        var nested = Functional("outer", "input_layer", "head",
            InputLayer("input_layer", 8, 8, 8, 3),
            middle,
            Layer("Conv2D", "head", Conv(2, "valid"), "features"));
        var innerKernel = Random(1, 3, 3, 3, 4);
        var innerBias = Random(2, 4);
        var headKernel = Random(3, 3, 3, 4, 2);
        var headBias = Random(4, 2);
        var nestedPath = Write(Path.Combine(dir, "nested.keras"), nested,
        [
            ("layers/sequential/layers/functional/layers/conv2d/vars", [innerKernel, innerBias]),
            ("layers/sequential/layers/random_flip/seed_generator/vars", [([7f, 0f], [2])]),
            ("layers/conv2d/vars", [headKernel, headBias]),
        ]);
        var flat = Functional("flat", "input_layer", "head",
            InputLayer("input_layer", null, 8, 8, 3),
            Layer("Conv2D", "inner_conv", Conv(4, "same"), "input_layer"),
            Layer("Conv2D", "head", Conv(2, "valid"), "inner_conv"));
        var flatPath = Write(Path.Combine(dir, "flat.keras"), flat,
            [("layers/conv2d/vars", [innerKernel, innerBias]), ("layers/conv2d_1/vars", [headKernel, headBias])]);

        var graph = KerasModelReader.Read(nestedPath);
        var input = ReferenceInput.For(graph.Inputs[0].Shape);

        CollectionAssert.AreEqual(new[] { 1, 8, 8, 3 }, graph.Inputs[0].Shape);
        var expected = new FloatExecutor(KerasModelReader.Read(flatPath)).Run(input);
        Assert.IsTrue(expected.Any(v => v != 0), "the flat model's output is not all zero");
        FloatOutputAssert.Close(expected, new FloatExecutor(graph).Run(input), 0, "nested vs flat");
    }

    private static float[] LoadReference(string file)
    {
        var json = File.ReadAllText(Path.Combine(RepoPaths.KerasModels, Path.GetFileNameWithoutExtension(file) + ".reference.json"));
        return JsonSerializer.Deserialize<float[]>(json)!;
    }
}

using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// DenseNet121, Xception, InceptionV3 and NASNetMobile against keras.applications (tf.keras 2.x, include_top, 1000
/// classes): parameter count, len(model.layers), names in model.layers order; then, at a small input, the written
/// .h5 read by our reader computes in the FloatExecutor what the synthesizer's own forward pass computed, and its
/// int8 model (calibrated, quantized per channel) runs in the real TFLite 2.9 runtime to what our Int8Executor gives,
/// and the segments the budget planner cuts it into, chained in TFLite, give exactly the unsegmented model's output.
/// Parameter counts do not depend on the input size, so a small model keeps the suite quick.
/// </summary>
[TestClass]
public sealed class KerasModelSynthesizerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-zoo-families");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static SynthOptions Small(int size) => new() { InputSize = size, CalibrationSize = size, CalibrationImages = 8 };

    [TestMethod]
    [DataRow(SynthArchitecture.DenseNet121, 64, "densenet121", 8_062_504L, 429)]
    [DataRow(SynthArchitecture.Xception, 71, "xception", 22_910_480L, 134)]
    [DataRow(SynthArchitecture.InceptionV3, 75, "inception_v3", 23_851_784L, 313)]
    [DataRow(SynthArchitecture.NASNetMobile, 64, "NASNet", 5_326_716L, 771)]
    public void Has_the_keras_applications_parameter_count_and_layer_count(SynthArchitecture arch, int size, string modelName, long parameters, int layers)
    {
        var file = Path.Combine(_dir, $"{arch}-count.h5");
        KerasModelSynthesizer.Write(file, arch, seed: 3, Small(size));

        Assert.AreEqual(parameters, KerasFileContents.CountParameters(file), "model.count_params(), moving statistics included");
        var config = KerasFileContents.ModelConfig(file);
        Assert.AreEqual(modelName, config["config"]!["name"]!.GetValue<string>());
        Assert.HasCount(layers, config["config"]!["layers"]!.AsArray(), "len(model.layers)");
    }

    [TestMethod]
    public void Layer_names_follow_keras_applications_model_layers_order()
    {
        var densenet = Names(SynthArchitecture.DenseNet121, 64);
        CollectionAssert.AreEqual(
            new[]
            {
                "input_1", "zero_padding2d", "conv1/conv", "conv1/bn", "conv1/relu", "zero_padding2d_1", "pool1",
                "conv2_block1_0_bn", "conv2_block1_0_relu", "conv2_block1_1_conv", "conv2_block1_1_bn", "conv2_block1_1_relu",
                "conv2_block1_2_conv", "conv2_block1_concat", "conv2_block2_0_bn",
            },
            densenet.Take(15).ToArray());
        CollectionAssert.AreEqual(new[] { "conv5_block16_concat", "bn", "relu", "avg_pool", "predictions" }, densenet.TakeLast(5).ToArray());

        // As xception.summary() lists them: the unnamed 1×1 shortcut sits at the depth of the block's last layers.
        var xception = Names(SynthArchitecture.Xception, 71);
        CollectionAssert.AreEqual(
            new[]
            {
                "block2_sepconv1", "block2_sepconv1_bn", "block2_sepconv2_act", "block2_sepconv2", "block2_sepconv2_bn",
                "conv2d", "block2_pool", "batch_normalization", "add", "block3_sepconv1_act",
            },
            xception.Skip(7).Take(10).ToArray());
        CollectionAssert.AreEqual(new[] { "block14_sepconv2_act", "avg_pool", "predictions" }, xception.TakeLast(3).ToArray());
        Assert.AreEqual("add_11", xception[xception.IndexOf("block14_sepconv1") - 1]);

        // As inception_v3.summary() lists mixed0's branches: by depth, each depth in the order the branches were built.
        var inception = Names(SynthArchitecture.InceptionV3, 75);
        CollectionAssert.AreEqual(
            new[]
            {
                "max_pooling2d_1", "conv2d_8", "batch_normalization_8", "activation_8", "conv2d_6", "conv2d_9",
                "batch_normalization_6", "batch_normalization_9", "activation_6", "activation_9", "average_pooling2d",
                "conv2d_5", "conv2d_7", "conv2d_10", "conv2d_11",
            },
            inception.Skip(inception.IndexOf("activation_4") + 1).Take(15).ToArray());
        CollectionAssert.AreEqual(new[] { "mixed9_1", "concatenate_1", "activation_93", "mixed10", "avg_pool", "predictions" }, inception.TakeLast(6).ToArray());

        var nasnet = Names(SynthArchitecture.NASNetMobile, 64);
        CollectionAssert.AreEqual(new[] { "input_1", "stem_conv1", "stem_bn1", "activation", "reduction_conv_1_stem_1" }, nasnet.Take(5).ToArray());
        CollectionAssert.AreEqual(new[] { "normal_concat_12", "activation_187", "global_average_pooling2d", "predictions" }, nasnet.TakeLast(4).ToArray());
        CollectionAssert.IsSubsetOf(
            new[] { "adjust_relu_1_stem_2", "zero_padding2d", "cropping2d", "concatenate", "adjust_bn_stem_2", "adjust_conv_projection_1", "separable_conv_1_pad_reduction_left1_reduce_4", "reduction_add4_reduce_8", "add_3" },
            nasnet);
    }

    [TestMethod]
    public void Input_sizes_follow_keras_applications_minimums_for_random_weights()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KerasModelSynthesizer.Write("never.h5", SynthArchitecture.Xception, 1, Small(70)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KerasModelSynthesizer.Write("never.h5", SynthArchitecture.InceptionV3, 1, Small(74)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KerasModelSynthesizer.Write("never.h5", SynthArchitecture.InceptionV3, 1, Small(299) with { CalibrationSize = 64 }));
        Assert.IsFalse(File.Exists("never.h5"));

        // NASNetMobile's fixed 224 holds only with ImageNet weights; random weights take any size from 32.
        var nasnet = Path.Combine(_dir, "nasnet-32.h5");
        KerasModelSynthesizer.Write(nasnet, SynthArchitecture.NASNetMobile, 1, Small(32));
        CollectionAssert.AreEqual(new[] { 1, 1, 1, 1056 }, KerasModelReader.Read(nasnet).FindTensor("activation_187").Shape);
    }

    [TestMethod]
    [DataRow(SynthArchitecture.DenseNet121, 64, "conv4_block24_concat", new[] { 1, 4, 4, 1024 }, "pool2_pool", 2, 5)]
    [DataRow(SynthArchitecture.Xception, 71, "block13_pool", new[] { 1, 3, 3, 1024 }, "add_1", 7, 4)]
    [DataRow(SynthArchitecture.InceptionV3, 75, "mixed7", new[] { 1, 3, 3, 768 }, "mixed1", 7, 5)]
    [DataRow(SynthArchitecture.NASNetMobile, 64, "normal_concat_12", new[] { 1, 2, 2, 1056 }, "reduction_concat_stem_2", 2, 3)]
    public void Reads_back_runs_in_float_as_synthesized_and_its_int8_model_runs_in_tflite_whole_and_as_a_chain(
        SynthArchitecture arch, int size, string someTensor, int[] itsShape, string earlyTensor, int budgetMiB, int segments)
    {
        var model = KerasModelSynthesizer.Build(arch, 21, Small(size));
        var file = Path.Combine(_dir, $"{arch}-run.h5");
        KerasModelSynthesizer.Save(model, file);
        var graph = KerasModelReader.Read(file);
        CollectionAssert.AreEqual(itsShape, graph.FindTensor(someTensor).Shape, someTensor);

        var images = CalibrationImages.Make(4, size, 77, KerasModelSynthesizer.Preprocessing(arch));
        var image = images with { Data = images.Data[..(size * size * 3)], Batch = 1 };
        var expected = model.Run(image).Data;
        var floats = new TensorValues(earlyTensor);
        var actual = new FloatExecutor(graph).Run(new Dictionary<Tensor, float[]> { [graph.Inputs[0]] = image.Data }, 1, floats)[graph.Outputs[0]];
        Assert.IsTrue(actual.All(float.IsFinite), "finite float outputs");
        NumericAssert.Close(expected, actual, 1e-4, $"{arch}: softmax, synthesizer's forward pass vs the file in the FloatExecutor");

        var samples = Enumerable.Range(0, images.Batch).Select(n => images.Data.AsSpan(n * size * size * 3, size * size * 3).ToArray());
        var int8 = Quantizer.Quantize(graph, Calibrator.Calibrate(graph, samples, new RecordingBuildLog()));
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        var input = Int8TestHelpers.Quantize(image.Data, int8.Inputs[0].Quant!);
        var fromTfLite = TfLiteInterpreter.AsInt8(tflite.RunArrays([input])[0]);
        float[]? early = null;
        var fromOurs = new Int8Executor(int8).Run(new Dictionary<Tensor, sbyte[]> { [int8.Inputs[0]] = input }, (t, v) =>
        {
            if (t.Name == earlyTensor) early = Int8TestHelpers.Dequantize(v, t.Quant!);
        })[int8.Outputs[0]];
        NumericAssert.Int8Identical(fromOurs, fromTfLite, $"{arch}: int8 model, TFLite 2.9 vs Int8Executor");
        Assert.IsGreaterThan(1, fromTfLite.Distinct().Count(), $"{arch}: the int8 output is not a constant");

        // Random weights make a deep network chaotic: int8 rounding noise grows cell after cell (NASNetMobile's logits
        // end near 6 dB), so the int8-vs-float check is made a few blocks in, where every op of the family has run.
        double sqnr = SqnrDb(floats.Values!, early!);
        Console.WriteLine($"{arch}: {earlyTensor} int8 vs float SQNR {sqnr:F1} dB");
        Assert.IsGreaterThan(20.0, sqnr, $"{arch}: {earlyTensor} int8 vs float");

        var plan = BudgetPlanner.Plan(graph, budgetMiB);
        Console.WriteLine($"{arch} at {budgetMiB} MiB: K = {plan.K}, cuts {string.Join(", ", plan.Cuts.Select(c => c.Tensor))}");
        Assert.AreEqual(segments, plan.K, $"{arch}: segments at {budgetMiB} MiB");
        var chain = plan.Segments.Select(g => ($"seg{g.Index}", TfLiteWriter.Write(GraphSlicer.Slice(int8, g.FromTensor, g.ToTensor)))).ToList();
        CollectionAssert.AreEqual(fromTfLite, TfLiteChain.Run(chain, input), $"{arch}: seg1 → … → seg{plan.K} in TFLite vs the unsegmented int8 model");
    }

    private static double SqnrDb(float[] reference, float[] approximation)
    {
        double signal = 0, noise = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            signal += (double)reference[i] * reference[i];
            noise += ((double)reference[i] - approximation[i]) * (reference[i] - approximation[i]);
        }

        return 10 * Math.Log10(signal / Math.Max(noise, 1e-30));
    }

    /// <summary>The float values of one tensor.</summary>
    private sealed class TensorValues(string name) : ITensorObserver
    {
        public float[]? Values { get; private set; }

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
        {
            if (tensor.Name == name) Values = values.ToArray();
        }
    }

    private static List<string> Names(SynthArchitecture arch, int size)
    {
        var file = Path.Combine(_dir, $"{arch}-names.h5");
        KerasModelSynthesizer.Write(file, arch, seed: 1, Small(size));
        return [.. KerasFileContents.LayerNames(file)];
    }

    /// <summary>
    /// ResNet50, ResNet152 and MobileNetV2 at keras.applications' size (224×224×3, 1000 classes) against keras.applications'
    /// own figures, read back with the KerasModelReader; the statistics pass runs small (64×64), which changes no name,
    /// shape or count.
    /// </summary>
    [TestMethod]
    [DataRow(SynthArchitecture.ResNet50, "resnet50", 25_636_712L, 177, "conv4_block4_out", new[] { 1, 14, 14, 1024 })]
    [DataRow(SynthArchitecture.ResNet152, "resnet152", 60_419_944L, 517, "conv4_block36_out", new[] { 1, 14, 14, 1024 })]
    [DataRow(SynthArchitecture.MobileNetV2, "mobilenetv2_1.00_224", 3_538_984L, 156, "block_13_expand_relu", new[] { 1, 14, 14, 576 })]
    public void Reads_back_with_the_keras_applications_parameter_count_names_and_shapes(
        SynthArchitecture arch, string modelName, long parameters, int layers, string someTensor, int[] itsShape)
    {
        var file = Path.Combine(_dir, arch + ".h5");
        KerasModelSynthesizer.Write(file, arch, seed: 5, new SynthOptions { CalibrationSize = 64 });

        Assert.AreEqual(parameters, KerasFileContents.CountParameters(file), "every weight in model_weights, moving statistics included, as model.count_params()");
        var config = KerasFileContents.ModelConfig(file);
        Assert.AreEqual("Functional", config["class_name"]!.GetValue<string>());
        Assert.AreEqual(modelName, config["config"]!["name"]!.GetValue<string>());
        Assert.HasCount(layers, config["config"]!["layers"]!.AsArray(), "len(model.layers)");

        var graph = KerasModelReader.Read(file);
        Assert.AreEqual(modelName, graph.Name);
        CollectionAssert.AreEqual(new[] { 1, 224, 224, 3 }, graph.Inputs[0].Shape);
        CollectionAssert.AreEqual(new[] { 1, 1000 }, graph.Outputs[0].Shape);
        Assert.AreEqual(OpType.Softmax, graph.Nodes[^1].Op);
        CollectionAssert.AreEqual(itsShape, graph.FindTensor(someTensor).Shape, someTensor);
    }
}

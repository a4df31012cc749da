using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>
/// The ResNet101 the sample synthesizes (224×224×3, 1000 classes, seed 1; <see cref="SynthesizedResNet101File"/>), read
/// back with the KerasModelReader: names and shapes, a sane float run, the known 7 MiB plan, and determinism.
/// </summary>
[TestClass]
public sealed class ResNetV1Tests
{
    private static string _file = "";
    private static ModelGraph _graph = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _file = SynthesizedResNet101File.FilePath;
        _graph = KerasModelReader.Read(_file);
    }

    [TestMethod]
    public void Reads_back_as_a_224_input_1000_class_ResNet101_with_keras_applications_names_and_parameter_count()
    {
        Assert.AreEqual(44_707_176L, KerasFileContents.CountParameters(_file), "keras.applications.ResNet101().count_params()");
        Assert.HasCount(347, KerasFileContents.Layers(_file), "len(model.layers)");
        Assert.AreEqual("resnet101", _graph.Name);
        CollectionAssert.AreEqual(new[] { 1, 224, 224, 3 }, _graph.Inputs[0].Shape);
        Assert.AreEqual("input_1", _graph.Inputs[0].Name);
        CollectionAssert.AreEqual(new[] { 1, 1000 }, _graph.Outputs[0].Shape);
        Assert.AreEqual("predictions", _graph.Outputs[0].Name);
        CollectionAssert.AreEqual(new[] { 1, 56, 56, 256 }, _graph.FindTensor("conv2_block3_out").Shape);
        CollectionAssert.AreEqual(new[] { 1, 28, 28, 512 }, _graph.FindTensor("conv3_block4_out").Shape);
        CollectionAssert.AreEqual(new[] { 1, 14, 14, 1024 }, _graph.FindTensor("conv4_block4_out").Shape);
        CollectionAssert.AreEqual(new[] { 1, 14, 14, 1024 }, _graph.FindTensor("conv4_block23_out").Shape);
        CollectionAssert.AreEqual(new[] { 1, 7, 7, 2048 }, _graph.FindTensor("conv5_block3_out").Shape);
        Assert.AreEqual(104, _graph.Nodes.Count(n => n.Op == OpType.Conv2D), "100 convolutions + 4 projection shortcuts");
    }

    [TestMethod]
    public void Planner_on_the_read_model_at_7_MiB_gives_the_known_seven_segments()
    {
        var plan = BudgetPlanner.Plan(_graph, 7);

        Assert.AreEqual(7, plan.K);
        CollectionAssert.AreEqual(
            new[] { "conv4_block4_out", "conv4_block10_out", "conv4_block16_out", "conv4_block22_out", "conv5_block1_out", "conv5_block2_out" },
            plan.Cuts.Select(c => c.Tensor).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 14, 14, 1024 }, plan.Cuts[0].Shape);
        CollectionAssert.AreEqual(new[] { 1, 7, 7, 2048 }, plan.Cuts[5].Shape);
        Assert.IsEmpty(plan.Warnings);
    }

    [TestMethod]
    public void A_random_image_runs_to_a_spread_softmax_through_live_finite_features()
    {
        var random = new Random(7);
        var input = Enumerable.Range(0, 224 * 224 * 3).Select(_ => (float)(random.NextDouble() * 255 - 120)).ToArray();
        var observer = new FeatureStatistics(["conv1_relu", "conv2_block3_out", "conv4_block4_out", "conv5_block3_out"]);
        var output = new FloatExecutor(_graph).Run(new Dictionary<Tensor, float[]> { [_graph.Inputs[0]] = input }, 1, observer)[_graph.Outputs[0]];

        foreach (var (name, s) in observer.Results)
        {
            Console.WriteLine($"{name}: mean {s.Mean:F3}, std {s.Std:F3}, max {s.Max:F2}, zeros {s.ZeroFraction:P0}");
            Assert.IsTrue(s.Finite, $"{name} is finite");
            Assert.IsGreaterThan(0.05, s.Std, $"{name} varies");
            Assert.IsLessThan(50.0, s.Max, $"{name} stays in a realistic range");
        }

        Assert.IsTrue(output.All(float.IsFinite));
        Assert.AreEqual(1.0, output.Sum(p => (double)p), 1e-4, "softmax sums to 1");
        Console.WriteLine($"top-1 probability {output.Max():F4}, classes above 1/10000: {output.Count(p => p > 1e-4)}");
        Assert.IsLessThan(0.5f, output.Max(), "not one-hot");
        Assert.IsGreaterThan(100, output.Count(p => p > 1e-4), "probability spread over many classes");
    }

    [TestMethod]
    public void The_same_seed_writes_the_same_bytes()
    {
        var dir = RepoPaths.NewScratchDirectory("synth-resnet101-again");
        try
        {
            var again = Path.Combine(dir, "again.h5");
            KerasModelSynthesizer.Write(again, SynthArchitecture.ResNet101, SynthesizedResNet101File.Seed);
            Assert.AreEqual(new FileInfo(_file).Length, new FileInfo(again).Length);
            Assert.IsTrue(File.ReadAllBytes(_file).AsSpan().SequenceEqual(File.ReadAllBytes(again)), "byte-identical");
        }
        finally
        {
            ResidualArtifacts.DeleteScratch(dir);
        }
    }

    [TestMethod]
    public void ResNet_layers_are_listed_in_keras_model_layers_order()
    {
        var dir = RepoPaths.NewScratchDirectory("synth-resnet-order");
        var file = Path.Combine(dir, "order.h5");
        KerasModelSynthesizer.Write(file, SynthArchitecture.ResNet50, seed: 1, new SynthOptions { CalibrationSize = 64, InputSize = 64 });
        var names = KerasFileContents.LayerNames(file);

        // As resnet50.summary() lists them: the shortcut branch sits at the depth of the residual branch's last layers.
        CollectionAssert.AreEqual(
            new[]
            {
                "input_1", "conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool",
                "conv2_block1_1_conv", "conv2_block1_1_bn", "conv2_block1_1_relu", "conv2_block1_2_conv", "conv2_block1_2_bn",
                "conv2_block1_2_relu", "conv2_block1_0_conv", "conv2_block1_3_conv", "conv2_block1_0_bn", "conv2_block1_3_bn",
                "conv2_block1_add", "conv2_block1_out", "conv2_block2_1_conv",
            },
            names.Take(20).ToArray());
        CollectionAssert.AreEqual(new[] { "conv5_block3_add", "conv5_block3_out", "avg_pool", "predictions" }, names.TakeLast(4).ToArray());
        ResidualArtifacts.DeleteScratch(dir);
    }
}

using System.Text.Json.Nodes;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using A = ModelBuild.Core.Tests.Keras.KerasArchiveTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// hard_sigmoid (per Keras version), hard_swish / hard_silu and swish as Keras writes them (Activation layers, Keras 3
/// operation nodes), lowered to ADD, RELU6, MUL and LOGISTIC, which the Edge TPU check maps.
/// </summary>
[TestClass]
public sealed class HardActivationsTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("hard-activations");

    private static readonly float[] Xs = [-7, -3.5f, -3, -2.5f, -1, -0.2f, 0, 0.4f, 1, 2.5f, 3, 4, 9];

    private static float Relu6(float v) => Math.Clamp(v, 0, 6);

    /// <summary>A Keras .h5 with one Activation layer and the root `keras_version` attribute Keras writes.</summary>
    private static string ActivationH5(string activation, string name, string kerasVersion = "2.8.0")
    {
        var path = Path.Combine(_dir, name + ".h5");
        var file = new PureHDF.H5File();
        file.Attributes["model_config"] = new KerasTestModel().Input("x", Xs.Length)
            .Layer("Activation", "act", Cfg(("activation", activation)), "x").Config("act").ToJsonString();
        file.Attributes["keras_version"] = kerasVersion;
        file["model_weights"] = new PureHDF.H5Group();
        file.Write(path);
        return path;
    }

    private static float[] Run(string path) => new FloatExecutor(KerasModelReader.Read(path)).Run(Xs);

    [TestMethod]
    public void Keras2_hard_sigmoid_is_point_two_x_plus_one_half_clipped()
    {
        var expected = Xs.Select(v => Math.Clamp(0.2f * v + 0.5f, 0, 1)).ToArray();
        FloatOutputAssert.Close(expected, Run(ActivationH5("hard_sigmoid", "hs_k2")), 1e-6, "Keras 2 hard_sigmoid");
    }

    [TestMethod]
    public void Keras3_hard_sigmoid_is_relu6_of_x_plus_3_over_6()
    {
        var expected = Xs.Select(v => Relu6(v + 3) / 6).ToArray();
        FloatOutputAssert.Close(expected, Run(ActivationH5("hard_sigmoid", "hs_k3", "3.4.1")), 1e-6, "Keras 3 hard_sigmoid (.h5)");
        var archive = A.Write(Path.Combine(_dir, "hs_k3.keras"),
            A.Functional("m", "x", "act", A.InputLayer("x", null, Xs.Length), A.Layer("Activation", "act", A.Cfg(("activation", "hard_sigmoid")), "x")), []);
        FloatOutputAssert.Close(expected, Run(archive), 1e-6, "Keras 3 hard_sigmoid (.keras)");
    }

    [TestMethod]
    public void Tf_keras_2_archive_hard_sigmoid_follows_keras_2()
    {
        // tf.keras 2.13–2.15 wrote .keras archives too; metadata.json says which Keras.
        var path = A.Write(Path.Combine(_dir, "hs_tf_keras_2.keras"),
            A.Functional("m", "x", "act", A.InputLayer("x", null, Xs.Length), A.Layer("Activation", "act", A.Cfg(("activation", "hard_sigmoid")), "x")), []);
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
        {
            zip.GetEntry("metadata.json")!.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("metadata.json").Open());
            writer.Write("""{"keras_version": "2.15.0", "date_saved": "2024-01-01@00:00:00"}""");
        }

        var expected = Xs.Select(v => Math.Clamp(0.2f * v + 0.5f, 0, 1)).ToArray();
        FloatOutputAssert.Close(expected, Run(path), 1e-6, "tf.keras 2.15 .keras hard_sigmoid");
    }

    [TestMethod]
    public void Hard_swish_and_hard_silu_are_lowered_to_add_relu6_mul_and_compute_hard_swish()
    {
        var expected = Xs.Select(v => v * Relu6(v + 3) / 6).ToArray();
        foreach (var name in new[] { "hard_swish", "hard_silu" })
        {
            var g = KerasModelReader.Read(ActivationH5(name, name));
            CollectionAssert.IsSubsetOf(g.Nodes.Select(n => n.Op).Distinct().ToList(), new[] { OpType.Add, OpType.Relu6, OpType.Mul }, name);
            FloatOutputAssert.Close(expected, new FloatExecutor(g).Run(Xs), 1e-5, name);
        }
    }

    [TestMethod]
    public void Int8_model_with_lowered_hard_swish_is_fully_mapped_by_the_edge_tpu_check()
    {
        var g = LoweringAccuracy.Chain("lowered", lowered: true);
        var int8 = Quantizer.Quantize(g, CalibrateRandom(g, 8, 1));
        var result = EdgeTpuStaticCheck.Check(int8);
        Assert.IsTrue(result.FullyMapped, string.Join("; ", result.Findings.Select(f => $"{f.Operator}: {f.Reason}")));
        var withHardSwish = Quantizer.Quantize(LoweringAccuracy.Chain("hard_swish", lowered: false), CalibrateRandom(g, 8, 1));
        Assert.IsFalse(EdgeTpuStaticCheck.Check(withHardSwish).FullyMapped, "HARD_SWISH stays on the CPU");
    }

    /// <summary>The number docs/EDGETPU.md quotes: int8-vs-float SQNR of the same network with HARD_SWISH and lowered.</summary>
    [TestMethod]
    public void Lowered_hard_swish_costs_little_int8_accuracy_against_hard_swish()
    {
        foreach (var seed in new[] { 11, 12, 13 })
        {
            var (hardSwish, lowered) = (LoweringAccuracy.SqnrDb(lowered: false, seed), LoweringAccuracy.SqnrDb(lowered: true, seed));
            Console.WriteLine($"weights {seed}: int8-vs-float SQNR HARD_SWISH {hardSwish:F2} dB, lowered ADD/RELU6/MUL {lowered:F2} dB");
            Assert.IsGreaterThan(20.0, lowered);
            Assert.IsLessThan(3.0, Math.Abs(hardSwish - lowered), $"HARD_SWISH {hardSwish:F2} dB vs lowered {lowered:F2} dB");
        }
    }

    [TestMethod]
    public void Keras_model_with_every_lowered_activation_is_fully_mapped_by_the_edge_tpu_check()
    {
        var path = Path.Combine(_dir, "all_activations.h5");
        var file = new PureHDF.H5File();
        file.Attributes["model_config"] = new KerasTestModel().Input("x", 4, 4, 3)
            .Layer("Activation", "a1", Cfg(("activation", "hard_swish")), "x")
            .Layer("Activation", "a2", Cfg(("activation", "hard_sigmoid")), "a1")
            .Layer("Activation", "a3", Cfg(("activation", "swish")), "a2")
            .Layer("Activation", "a4", Cfg(("activation", "hard_silu")), "a3")
            .Config("a4").ToJsonString();
        file["model_weights"] = new PureHDF.H5Group();
        file.Write(path);
        var g = KerasModelReader.Read(path);
        var result = EdgeTpuStaticCheck.Check(Quantizer.Quantize(g, Operators.OneOpOracle.Calibrate(g, 2, 4)));
        Assert.IsTrue(result.FullyMapped, string.Join("; ", result.Findings.Select(f => $"{f.Operator}: {f.Reason}")));
        Assert.AreEqual(g.Nodes.Count, result.OperationsOnEdgeTpu);
    }
}

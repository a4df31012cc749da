using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Reading a Keras file: every kind of bad input gives one clear MB10xx error naming the file, and the layer where one
/// is at fault; a config stored as bytes reads; the rewrites run (an activation fuses into the op before it).
/// </summary>
[TestClass]
public sealed class KerasModelReaderTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("keras-errors");

    private static string ScratchPath(string name) => Path.Combine(_dir, name + ".h5");

    private static ModelBuildException ReadFails(string path, string code)
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual(code, e.Code, e.ToString());
        Assert.AreEqual(path, e.File);
        return e;
    }

    /// <summary>Input 4 → Dense(3): the smallest valid model, to be broken one way per test.</summary>
    private static KerasTestModel DenseModel() => new KerasTestModel()
        .Input("x", 4)
        .Layer("Dense", "dense_1", Cfg(("units", 3), ("activation", "linear"), ("use_bias", true)), "x");

    [TestMethod]
    public void The_valid_baseline_model_reads()
    {
        var path = DenseModel().Weight("dense_1", "kernel", 4, 3).Weight("dense_1", "bias", 3).Write(Path.Combine(_dir, "ok.h5"), "dense_1");
        var graph = KerasModelReader.Read(path);
        Assert.HasCount(1, graph.Nodes);
        CollectionAssert.AreEqual(new[] { 1, 3 }, graph.Outputs[0].Shape);
    }

    [TestMethod]
    public void Missing_file_is_MB1001()
    {
        var e = ReadFails(Path.Combine(_dir, "nope.h5"), "MB1001");
        StringAssert.Contains(e.Message, "does not exist");
    }

    [TestMethod]
    public void Non_hdf5_file_is_MB1002()
    {
        var path = Path.Combine(_dir, "text.h5");
        File.WriteAllText(path, "this is not an HDF5 file, just some text that is long enough to have a header.\n");
        ReadFails(path, "MB1002");
    }

    [TestMethod]
    public void Empty_file_is_MB1002()
    {
        var path = Path.Combine(_dir, "empty.h5");
        File.WriteAllBytes(path, []);
        ReadFails(path, "MB1002");
    }

    [TestMethod]
    [DataRow(0.5)]
    [DataRow(0.9)]
    [DataRow(0.02)]
    public void Truncated_real_model_is_MB1002(double keep)
    {
        var bytes = File.ReadAllBytes(RepoPaths.KerasModel("03_mlperf_tiny_resnet8_cifar10_k2.4.h5"));
        var path = Path.Combine(_dir, $"truncated_{keep}.h5");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        var e = ReadFails(path, "MB1002");
        StringAssert.Contains(e.Message, "save the model again");
    }

    [TestMethod]
    public void Hdf5_without_model_config_is_MB1004()
    {
        var path = WriteFile(Path.Combine(_dir, "weights_only.h5"), null, [("dense_1", "dense_1/kernel:0", new float[12], [4, 3])]);
        var e = ReadFails(path, "MB1004");
        StringAssert.Contains(e.Message, "model_config");
    }

    [TestMethod]
    public void Config_that_is_not_json_is_MB1009()
    {
        var path = WriteFile(Path.Combine(_dir, "bad_json.h5"), "{\"class_name\": \"Functional\", \"config\": {", []);
        ReadFails(path, "MB1009");
    }

    [TestMethod]
    public void Output_layer_that_does_not_exist_is_MB1009()
    {
        var path = DenseModel().Weight("dense_1", "kernel", 4, 3).Weight("dense_1", "bias", 3).Write(Path.Combine(_dir, "bad_output.h5"), "no_such_layer");
        var e = ReadFails(path, "MB1009");
        StringAssert.Contains(e.Message, "no_such_layer");
    }

    [TestMethod]
    public void Listed_weight_missing_from_the_file_is_MB1005()
    {
        // weight_names lists a bias that the group does not hold.
        var broken = Path.Combine(_dir, "listed_missing2.h5");
        var file = new PureHDF.H5File { Attributes = { ["model_config"] = DenseModel().Config("dense_1").ToJsonString() } };
        var group = new PureHDF.H5Group { Attributes = { ["weight_names"] = new[] { "dense_1/kernel:0", "dense_1/bias:0" } } };
        group["dense_1"] = new PureHDF.H5Group { ["kernel:0"] = new PureHDF.H5Dataset(new float[12], fileDims: [4, 3]) };
        file["model_weights"] = new PureHDF.H5Group { ["dense_1"] = group };
        file.Write(broken);
        var e = ReadFails(broken, "MB1005");
        StringAssert.Contains(e.Message, "dense_1/bias:0");
    }

    [TestMethod]
    public void Unsupported_layer_is_MB1003_naming_layer_class_and_the_supported_layers()
    {
        var path = new KerasTestModel()
            .Input("x", 4)
            .Layer("Lambda", "lambda_3", Cfg(("function", "xyz")), "x")
            .Write(Path.Combine(_dir, "lambda.h5"), "lambda_3");
        var e = ReadFails(path, "MB1003");
        StringAssert.Contains(e.Message, "layer 'lambda_3' (Lambda) is not supported");
        StringAssert.Contains(e.Message, "supported layers: InputLayer, Conv2D");
    }

    [TestMethod]
    public void Unsupported_activation_is_MB1003()
    {
        var path = new KerasTestModel()
            .Input("x", 4)
            .Layer("Activation", "act", Cfg(("activation", "selu")), "x")
            .Write(Path.Combine(_dir, "selu.h5"), "act");
        var e = ReadFails(path, "MB1003");
        StringAssert.Contains(e.Message, "'act' (Activation) with activation 'selu'");
    }

    [TestMethod]
    public void Undefined_input_dimension_is_MB1008()
    {
        var path = new KerasTestModel()
            .Input("image", -1, -1, 3)
            .Layer("ReLU", "relu", Cfg(), "image")
            .Write(Path.Combine(_dir, "dynamic.h5"), "relu");
        var e = ReadFails(path, "MB1008");
        StringAssert.Contains(e.Message, "[None, None, None, 3]");
        StringAssert.Contains(e.Message, "'image'");
    }

    [TestMethod]
    public void Channels_first_layer_is_MB1003()
    {
        var path = new KerasTestModel()
            .Input("x", 8, 8, 3)
            .Layer("MaxPooling2D", "pool", Cfg(("pool_size", new JsonArray(2, 2)), ("data_format", "channels_first")), "x")
            .Write(Path.Combine(_dir, "nchw.h5"), "pool");
        var e = ReadFails(path, "MB1003");
        StringAssert.Contains(e.Message, "channels_first");
    }

    [TestMethod]
    public void Model_config_stored_as_bytes_reads()
    {
        var model = new KerasTestModel().Input("x", 2).Layer("ReLU", "relu", Cfg(), "x");
        var path = ScratchPath("bytes_config");
        var file = new PureHDF.H5File { Attributes = { ["model_config"] = System.Text.Encoding.UTF8.GetBytes(model.Config("relu").ToJsonString()) } };
        file["model_weights"] = new PureHDF.H5Group();
        file.Write(path);
        var g = KerasModelReader.Read(path);
        AssertClose([0, 2], Run(g, [-1, 2]), "relu");
    }

    [TestMethod]
    public void Relu_after_add_is_fused_and_keeps_the_activation_layer_name()
    {
        var path = new KerasTestModel()
            .Input("a", 4).Input("b", 4)
            .Layer("Add", "conv4_block4_add", Cfg(), ["a", "b"])
            .Layer("Activation", "conv4_block4_out", Cfg(("activation", "relu")), "conv4_block4_add")
            .Write(ScratchPath("fused_add"), "conv4_block4_out");
        var g = KerasModelReader.Read(path);

        Assert.HasCount(1, g.Nodes);
        Assert.AreEqual(OpType.Add, g.Nodes[0].Op);
        Assert.AreEqual(FusedActivation.Relu, g.Nodes[0].OptionsAs<ElementwiseOptions>().Activation);
        Assert.AreEqual("conv4_block4_out", g.Outputs[0].Name);
        AssertClose([0, 0, 1, 3], Run(g, [-1, 0, 1, 2], [-1, -2, 0, 1]), "fused add+relu");
    }

    [TestMethod]
    public void Relu_whose_input_is_also_read_elsewhere_is_not_fused()
    {
        var path = new KerasTestModel()
            .Input("a", 2).Input("b", 2)
            .Layer("Add", "sum", Cfg(), ["a", "b"])
            .Layer("ReLU", "relu", Cfg(), "sum")
            .Layer("Multiply", "out", Cfg(), ["relu", "sum"])
            .Write(ScratchPath("unfusable"), "out");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("Add Relu Mul", string.Join(" ", g.Nodes.Select(n => n.Op)));
        AssertClose([0, 4], Run(g, [-1, 1], [0, 1]), "relu(s) * s");
    }
}

using System.Text.Json.Nodes;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// The walk over a model config, in tiny written models: shared layers, the Keras 3 functional and sequential forms.
/// </summary>
[TestClass]
public sealed class KerasGraphBuilderTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("keras-graph-builder");

    private static string PathOf(string name) => Path.Combine(_dir, name + ".h5");

    [TestMethod]
    public void Shared_dense_layer_is_applied_twice_with_the_same_weights()
    {
        // d(a) - d(b) with d = Dense(2): kernel [in,out] = [[1,2],[3,4]], bias [0.5,-0.5].
        var path = new KerasTestModel()
            .Input("a", 2).Input("b", 2)
            .Layer("Dense", "shared", Cfg(("units", 2), ("activation", "linear")), ["a"], ["b"])
            .Layer("Subtract", "diff", Cfg(), ["shared@0", "shared@1"])
            .Weight("shared", "kernel", [2, 2], [1, 2, 3, 4])
            .Weight("shared", "bias", [2], [0.5f, -0.5f])
            .Write(PathOf("shared"), "diff");
        var g = KerasModelReader.Read(path);

        var dense = g.Nodes.Where(n => n.Op == OpType.FullyConnected).ToList();
        Assert.HasCount(2, dense);
        CollectionAssert.AreEqual(dense[0].Inputs[1]!.FloatData, dense[1].Inputs[1]!.FloatData);
        Assert.AreEqual("diff", g.Outputs[0].Name);
        // a = (1, 0), b = (0, 1): d(a) - d(b) = (1, 2) - (3, 4) = (-2, -2).
        AssertClose([-2, -2], Run(g, [1, 0], [0, 1]), "shared dense");
        // a = (2, 1), b = (1, 1): W^T (a - b) = (1, 2).
        AssertClose([1, 2], Run(g, [2, 1], [1, 1]), "shared dense");
    }

    [TestMethod]
    public void Keras3_functional_config_with_dict_inbound_nodes_reads()
    {
        static string Tensor(string layer) =>
            "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 3], \"dtype\": \"float32\", \"keras_history\": [\"" + layer + "\", 0, 0]}}";
        const string policy = """{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}""";
        var config = $$$"""
            {"module": "keras", "class_name": "Functional", "config": {"name": "functional", "trainable": true, "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null, "name": "input_layer", "inbound_nodes": []},
              {"module": "keras.layers", "class_name": "LeakyReLU", "config": {"name": "leaky", "trainable": true, "dtype": {{{policy}}}, "negative_slope": 0.25}, "registered_name": null, "build_config": {"input_shape": [null, 3]}, "name": "leaky", "inbound_nodes": [{"args": [{{{Tensor("input_layer")}}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": {{{policy}}}, "units": 3, "activation": "linear", "use_bias": false}, "registered_name": null, "build_config": {"input_shape": [null, 3]}, "name": "dense", "inbound_nodes": [{"args": [{{{Tensor("leaky")}}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Multiply", "config": {"name": "multiply", "trainable": true, "dtype": {{{policy}}}}, "registered_name": null, "build_config": {"input_shape": [[null, 3], [null, 3]]}, "name": "multiply", "inbound_nodes": [{"args": [[{{{Tensor("dense")}}}, {{{Tensor("input_layer")}}}]], "kwargs": {}}]}
            ], "input_layers": ["input_layer", 0, 0], "output_layers": ["multiply", 0, 0]}, "registered_name": "Functional"}
            """;
        // Identity kernel, Keras 3 weight naming (no ":0", model-name prefix).
        var path = WriteFile(PathOf("keras3"), config, [("dense", "functional/dense/kernel", [1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3])]);
        var g = KerasModelReader.Read(path);

        Assert.AreEqual("input_layer", g.Inputs[0].Name);
        Assert.AreEqual("multiply", g.Outputs[0].Name);
        // x * leaky(x): (2, -2, 0.5) → (4, 1, 0.25).
        AssertClose([4, 1, 0.25f], Run(g, [2, -2, 0.5f]), "keras 3 functional");
    }

    [TestMethod]
    public void Keras3_sequential_without_input_layer_takes_its_shape_from_build_config()
    {
        const string config = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true, "layers": [
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "relu", "use_bias": true}, "registered_name": null, "build_config": {"input_shape": [null, 3]}}
            ]}, "registered_name": null, "build_config": {"input_shape": [null, 3]}}
            """;
        var path = WriteFile(PathOf("keras3_sequential"), config,
            [("dense", "sequential/dense/kernel", [1, 0, 0, 1, 1, -1], [3, 2]), ("dense", "sequential/dense/bias", [0, 1], [2])]);
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("1x3", string.Join("x", g.Inputs[0].Shape));
        Assert.AreEqual("dense", g.Outputs[0].Name);
        Assert.HasCount(1, g.Nodes);
        // relu(x · K + b) with x = (1, 2, 3): (1 + 3, 2 - 3 + 1) = (4, 0).
        AssertClose([4, 0], Run(g, [1, 2, 3]), "keras 3 sequential");
    }
}

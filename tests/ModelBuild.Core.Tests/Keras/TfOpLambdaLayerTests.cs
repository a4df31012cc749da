using System.Text.Json.Nodes;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>Keras 2 TFOpLambda layers: the TensorFlow functions the converter maps compute, the others are MB1003.</summary>
[TestClass]
public sealed class TfOpLambdaLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("keras-tf-op-lambda");

    private static string PathOf(string name) => Path.Combine(_dir, name + ".h5");

    [TestMethod]
    public void Keras2_tf_op_lambdas_as_in_mobilenet_v3_hard_swish()
    {
        // keras.applications MobileNetV3: hard_sigmoid(x) = ReLU(6)(x + 3.0) * (1/6); hard_swish = x * hard_sigmoid(x).
        var path = new KerasTestModel()
            .Input("x", 4)
            .TfOp("tf.__operators__.add", "__operators__.add", "x", 3.0)
            .Layer("ReLU", "re_lu", Cfg(("max_value", 6.0)), "tf.__operators__.add")
            .TfOp("tf.math.multiply", "math.multiply", "re_lu", 1 / 6.0)
            .Layer("Multiply", "multiply", Cfg(), ["x", "tf.math.multiply"])
            .TfOp("tf.math.add", "math.add", "multiply", new JsonArray("x", 0, 0))
            .TfOp("tf.math.truediv", "math.truediv", "tf.math.add", 2.0)
            .Write(PathOf("tf_op_lambda"), "tf.math.truediv");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("tf.math.truediv", g.Outputs[0].Name);
        var x = new float[] { -4, -1, 1, 5 };
        var expected = x.Select(v => (float)((v * Math.Clamp(v + 3, 0, 6) / 6 + v) / 2)).ToArray();
        FloatOutputAssert.Close(expected, new FloatExecutor(g).Run(x), 1e-5, "hard swish from TF ops");
    }

    [TestMethod]
    public void Unknown_tf_op_lambda_is_MB1003_naming_the_function()
    {
        var path = new KerasTestModel().Input("x", 4).TfOp("tf.math.exp", "math.exp", "x", 1.0).Write(PathOf("tf_exp"), "tf.math.exp");
        var e = Assert.ThrowsExactly<Diagnostics.ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "'tf.math.exp' (TFOpLambda) (function 'math.exp') is not supported");
    }
}

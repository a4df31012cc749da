using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// The graph read from each real Keras model: its inputs, outputs, op counts after the rewrites, shape consistency
/// of every node, and that Keras layer names survive as tensor names.
/// </summary>
[TestClass]
public sealed class KerasModelStructureTests
{
    private static readonly Dictionary<string, ModelGraph> Cache = [];

    private static ModelGraph Read(string file)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(file, out var g)) Cache[file] = g = KerasModelReader.Read(RepoPaths.KerasModel(file));
            return g;
        }
    }

    private static string Histogram(ModelGraph g) =>
        string.Join(" ", g.Nodes.GroupBy(n => n.Op).OrderBy(x => x.Key.ToString(), StringComparer.Ordinal).Select(x => $"{x.Key}={x.Count()}"));

    [TestMethod]
    [DataRow("01_st_mobilenet_v2_0.35_224_food101_k2.8.h5", "input_1", "1x224x224x3", "dense", "1x101",
        "Add=10 Conv2D=35 DepthwiseConv2D=17 FullyConnected=1 Mean=1 Pad=4 Softmax=1")]
    [DataRow("02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5", "input_2", "1x224x224x3", "predictions", "1x1000",
        "Conv2D=15 DepthwiseConv2D=13 Mean=1 Pad=4 Reshape=1 Softmax=1")]
    [DataRow("03_mlperf_tiny_resnet8_cifar10_k2.4.h5", "input_1", "1x32x32x3", "dense", "1x10",
        "Add=3 AveragePool2D=1 Conv2D=9 FullyConnected=1 Reshape=1 Softmax=1")]
    // Conv → ReLU → BatchNormalization: the BN cannot fold backwards across the ReLU, so it stays MUL+ADD.
    [DataRow("04_squeezenet_cataract_concat_k2.4.h5", "input_1", "1x224x224x3", "dense", "1x3",
        "Add=16 Concatenation=5 Conv2D=16 FullyConnected=1 MaxPool2D=4 Mean=1 Mul=16 Softmax=1")]
    [DataRow("05_mini_xception_fer2013_sepconv_add_k2.0.5.hdf5", "input_1", "1x64x64x1", "predictions", "1x7",
        "Add=4 Conv2D=15 DepthwiseConv2D=8 MaxPool2D=4 Mean=1 Softmax=1")]
    [DataRow("06_teachable_machine_nested_mobilenetv2_k2.4.h5", "sequential_9_input", "1x224x224x3", "dense_Dense6", "1x3",
        "Add=10 Conv2D=35 DepthwiseConv2D=17 FullyConnected=2 Mean=1 Pad=5 Softmax=1")]
    [DataRow("07_keras3.4.1_cifar10_cnn.h5", "input_layer", "1x32x32x3", "dense_1", "1x10",
        "Conv2D=3 FullyConnected=2 MaxPool2D=2 Reshape=1")]
    [DataRow("08_keras3.11.3_mnist_cnn_dropout.h5", "input_layer_1", "1x28x28x1", "dense_3", "1x10",
        "Conv2D=2 FullyConnected=2 MaxPool2D=2 Reshape=1 Softmax=1")]
    [DataRow("11_unet_superres_concat_upsample_k2.10.h5", "input_1", "1x400x600x3", "conv2d_13", "1x400x600x3",
        "Concatenation=3 Conv2D=14 Logistic=1 MaxPool2D=3 ResizeNearestNeighbor=3")]
    [DataRow("13_mnist_edgetpu_tutorial_k2.h5", "input_1", "1x28x28x1", "dense_1", "1x10",
        "Conv2D=2 FullyConnected=2 MaxPool2D=1 Reshape=1 Softmax=1")]
    public void Inputs_outputs_and_ops(string file, string input, string inputShape, string output, string outputShape, string ops)
    {
        var g = Read(file);
        Assert.HasCount(1, g.Inputs);
        Assert.HasCount(1, g.Outputs);
        Assert.AreEqual(input, g.Inputs[0].Name);
        Assert.AreEqual(inputShape, string.Join("x", g.Inputs[0].Shape));
        Assert.AreEqual(output, g.Outputs[0].Name);
        Assert.AreEqual(outputShape, string.Join("x", g.Outputs[0].Shape));
        Assert.AreEqual(ops, Histogram(g));
    }

    [TestMethod]
    [DataRow("01_st_mobilenet_v2_0.35_224_food101_k2.8.h5", 518_469)]
    [DataRow("02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5", 467_336)]
    [DataRow("03_mlperf_tiny_resnet8_cifar10_k2.4.h5", 77_706)]
    [DataRow("07_keras3.4.1_cifar10_cnn.h5", 122_570)]
    [DataRow("08_keras3.11.3_mnist_cnn_dropout.h5", 225_034)]
    [DataRow("13_mnist_edgetpu_tutorial_k2.h5", 136_586)]
    public void Parameter_count_after_folding(string file, int expected)
    {
        // Keras' trainable-parameter counts minus the folded BatchNormalization parameters.
        var g = Read(file);
        var count = g.Nodes.SelectMany(n => n.Inputs).OfType<Tensor>().Where(t => t is { IsConstant: true, Type: DataType.Float32 }).Distinct().Sum(t => t.ElementCount);
        Assert.AreEqual(expected, count);
    }

    public static IEnumerable<object[]> Models => KerasReferenceTests.Models;

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Every_node_has_consistent_shapes_and_layouts(string file)
    {
        var g = Read(file);
        var names = new HashSet<string>();
        foreach (var n in g.Nodes)
        {
            var y = n.Outputs[0];
            Assert.IsTrue(names.Add(y.Name), $"{file}: tensor name '{y.Name}' produced twice");
            Assert.IsTrue(y.Shape.Length >= 2 && y.Shape[0] == 1 && y.Shape.All(d => d > 0), $"{file}: {n} has shape [{string.Join(",", y.Shape)}]");
            Assert.IsNotNull(n.SourceLayer, $"{file}: {n} has no source layer");
            var x = n.Inputs[0]!;
            switch (n.Op)
            {
                case OpType.Conv2D:
                    {
                        var w = n.Inputs[1]!;
                        Assert.AreEqual(x.Shape[3], w.Shape[3], $"{n}: OHWI input channels");
                        Assert.AreEqual(y.Shape[3], w.Shape[0], $"{n}: OHWI output channels");
                        if (n.Inputs.Count > 2 && n.Inputs[2] is { } b) Assert.AreEqual(y.Shape[3], (int)b.ElementCount, $"{n}: bias");
                        var o = n.OptionsAs<Conv2DOptions>();
                        Assert.AreEqual(Expected(x.Shape[1], w.Shape[1], o.StrideH, o.DilationH, o.Padding), y.Shape[1], $"{n}: height");
                        Assert.AreEqual(Expected(x.Shape[2], w.Shape[2], o.StrideW, o.DilationW, o.Padding), y.Shape[2], $"{n}: width");
                        break;
                    }
                case OpType.DepthwiseConv2D:
                    {
                        var w = n.Inputs[1]!;
                        var o = n.OptionsAs<DepthwiseConv2DOptions>();
                        Assert.AreEqual(1, w.Shape[0]);
                        Assert.AreEqual(x.Shape[3] * o.DepthMultiplier, w.Shape[3], $"{n}: 1HW(C*M)");
                        Assert.AreEqual(y.Shape[3], w.Shape[3], $"{n}: output channels");
                        Assert.AreEqual(Expected(x.Shape[1], w.Shape[1], o.StrideH, o.DilationH, o.Padding), y.Shape[1], $"{n}: height");
                        break;
                    }
                case OpType.FullyConnected:
                    {
                        var w = n.Inputs[1]!;
                        Assert.AreEqual(x.Shape[^1], w.Shape[1], $"{n}: [out,in]");
                        Assert.AreEqual(y.Shape[^1], w.Shape[0], $"{n}: [out,in]");
                        break;
                    }
                case OpType.Concatenation:
                    {
                        var axis = n.OptionsAs<ConcatenationOptions>().Axis;
                        Assert.AreEqual(y.Shape[axis], n.Inputs.Sum(t => t!.Shape[axis]), $"{n}: concatenated size");
                        break;
                    }
                case OpType.Reshape:
                    Assert.AreEqual(x.ElementCount, y.ElementCount, $"{n}: element count");
                    break;
                case OpType.Add or OpType.Sub or OpType.Mul or OpType.Relu or OpType.Relu6 or OpType.Logistic or OpType.Softmax:
                    Assert.AreEqual(string.Join(",", n.Inputs.Where(t => !t!.IsConstant).OrderByDescending(t => t!.ElementCount).First()!.Shape), string.Join(",", y.Shape), $"{n}: elementwise shape");
                    break;
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Rewrites_leave_nothing_foldable(string file)
    {
        var g = Read(file);
        var producers = g.Producers();
        var consumers = g.Consumers();
        foreach (var n in g.Nodes)
        {
            if (n.Op is not (OpType.Relu or OpType.Relu6 or OpType.Mul or OpType.Add)) continue;
            if (!producers.TryGetValue(n.Inputs[0]!, out var p) || p.Op is not (OpType.Conv2D or OpType.DepthwiseConv2D or OpType.FullyConnected)) continue;
            var unfused = p.Options switch
            {
                Conv2DOptions o => o.Activation == FusedActivation.None,
                DepthwiseConv2DOptions o => o.Activation == FusedActivation.None,
                FullyConnectedOptions o => o.Activation == FusedActivation.None,
                _ => false,
            };
            var single = consumers[n.Inputs[0]!].Count == 1;
            var foldable = n.Op is OpType.Relu or OpType.Relu6 || n.Inputs[1] is { IsConstant: true };
            Assert.IsFalse(unfused && single && foldable, $"{file}: {n} could have been folded into {p}");
        }
    }

    [TestMethod]
    [DataRow("02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5", "conv_pw_13_relu", "1x7x7x256")]
    [DataRow("02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5", "conv_pw_5_relu", "1x28x28x64")]
    [DataRow("06_teachable_machine_nested_mobilenetv2_k2.4.h5", "block_2_add", "1x56x56x8")]
    [DataRow("06_teachable_machine_nested_mobilenetv2_k2.4.h5", "block_13_pad", "1x15x15x192")]
    [DataRow("03_mlperf_tiny_resnet8_cifar10_k2.4.h5", "activation_2", "1x32x32x16")]
    [DataRow("05_mini_xception_fer2013_sepconv_add_k2.0.5.hdf5", "add_4", "1x4x4x128")]
    [DataRow("11_unet_superres_concat_upsample_k2.10.h5", "concatenate_2", "1x400x600x48")]
    public void Keras_layer_names_survive_as_tensor_names(string file, string tensor, string shape)
    {
        var t = Read(file).FindTensor(tensor);
        Assert.AreEqual(shape, string.Join("x", t.Shape));
    }

    private static int Expected(int input, int filter, int stride, int dilation, Padding padding)
    {
        var effective = (filter - 1) * dilation + 1;
        return padding == Padding.Same ? (int)Math.Ceiling(input / (double)stride) : (int)Math.Ceiling((input - effective + 1) / (double)stride);
    }
}

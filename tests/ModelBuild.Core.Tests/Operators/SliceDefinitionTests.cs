using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using static ModelBuild.Core.Tests.TfLite.TfLiteTestModels;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>
/// SLICE, the first operator added through an operator definition: its shape rule and the Keras layers that become it;
/// its kernels in Execution/Float/SliceKernelTests and Execution/Int8/Int8SliceKernelTests.
/// </summary>
[TestClass]
public sealed class SliceDefinitionTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("slice");

    internal static ModelGraph OneSlice(int[] inShape, int[] begin, int[] size)
    {
        var x = new Tensor("x", inShape);
        var beginT = new Tensor("begin", [begin.Length], DataType.Int32, begin);
        var sizeT = new Tensor("size", [size.Length], DataType.Int32, size);
        var probe = new Node("y", OpType.Slice, [x, beginT, sizeT], [new Tensor("probe", [])]);
        var y = new Tensor("y", OperatorRegistry.For(OpType.Slice).InferOutputShape(probe));
        return new ModelGraph("slice", [x], [y], [new Node("y", OpType.Slice, [x, beginT, sizeT], [y])]);
    }

    /// <summary>What SLICE means, written out for NHWC: out[n, i, j, c] = x[n, top + i, left + j, c].</summary>
    internal static float[] NaiveCrop(float[] x, int batch, int h, int w, int c, int top, int left, int oh, int ow)
    {
        var y = new float[batch * oh * ow * c];
        for (int n = 0; n < batch; n++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int k = 0; k < c; k++)
                        y[((n * oh + i) * ow + j) * c + k] = x[((n * h + top + i) * w + left + j) * c + k];
        return y;
    }

    [TestMethod]
    public void Output_shape_takes_the_size_and_minus_one_runs_to_the_end()
    {
        var g = OneSlice([1, 7, 6, 3], [0, 2, 1, 0], [1, -1, 3, -1]);
        CollectionAssert.AreEqual(new[] { 1, 5, 3, 3 }, g.Outputs[0].Shape);
    }

    [TestMethod]
    public void Keras_cropping2d_becomes_one_slice_of_the_cropped_window()
    {
        var path = new KerasTestModel()
            .Input("x", 6, 5, 2)
            .Layer("Cropping2D", "crop", Cfg(("cropping", new JsonArray(new JsonArray(1, 2), new JsonArray(0, 1)))), "x")
            .Write(Path.Combine(_dir, "cropping2d.h5"), "crop");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("Slice", string.Join(" ", g.Nodes.Select(n => n.Op)));
        CollectionAssert.AreEqual(new[] { 1, 3, 4, 2 }, g.Outputs[0].Shape);
        var x = RandomFloats(new Random(4), 6 * 5 * 2);
        CollectionAssert.AreEqual(NaiveCrop(x, 1, 6, 5, 2, 1, 0, 3, 4), new FloatExecutor(g).Run(x));
    }

    [TestMethod]
    public void Keras_center_crop_starts_at_half_the_difference_rounded_down()
    {
        var path = new KerasTestModel()
            .Input("x", 7, 6, 1)
            .Layer("CenterCrop", "center", Cfg(("height", 4), ("width", 3)), "x")
            .Write(Path.Combine(_dir, "center_crop.h5"), "center");
        var g = KerasModelReader.Read(path);
        var x = RandomFloats(new Random(5), 7 * 6);
        // Keras: h_start = int((7 - 4) / 2) = 1, w_start = int((6 - 3) / 2) = 1.
        CollectionAssert.AreEqual(NaiveCrop(x, 1, 7, 6, 1, 1, 1, 4, 3), new FloatExecutor(g).Run(x));
    }

    [TestMethod]
    public void Keras_center_crop_of_a_smaller_image_is_refused_with_mb1003()
    {
        var path = new KerasTestModel()
            .Input("x", 3, 8, 1)
            .Layer("CenterCrop", "center", Cfg(("height", 4), ("width", 4)), "x")
            .Write(Path.Combine(_dir, "center_crop_small.h5"), "center");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "'center' (CenterCrop)");
    }
}

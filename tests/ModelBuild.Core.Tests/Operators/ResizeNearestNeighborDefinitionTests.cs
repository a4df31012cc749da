using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>
/// RESIZE_NEAREST_NEIGHBOR: the float kernel against the real TFLite 2.9 kernel for every combination of align_corners
/// and half_pixel_centers, up- and downsampling (a nearest-neighbour resize copies values, so the outputs must be
/// identical; the int8 kernel is held to TFLite in Int8ExecutorTests), and keras.layers.Resizing(interpolation="nearest")
/// as a half-pixel resize.
/// </summary>
[TestClass]
public sealed class ResizeNearestNeighborDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(ResizeNearestNeighborDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("resize-nearest");

    [TestMethod]
    [DataRow(5, 7, 10, 9)]
    [DataRow(9, 8, 4, 3)]
    public void Keras_resizing_nearest_is_a_half_pixel_resize_nearest_matching_tflite(int h, int w, int oh, int ow)
    {
        var path = new KerasTestModel()
            .Input("x", h, w, 3)
            .Layer("Resizing", "resize", Cfg(("height", oh), ("width", ow), ("interpolation", "nearest")), "x")
            .Write(Path.Combine(_dir, $"nearest_{oh}x{ow}.h5"), "resize");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("ResizeNearestNeighbor", string.Join(" ", g.Nodes.Select(n => n.Op)));
        Assert.AreEqual(new ResizeOptions(HalfPixelCenters: true), g.Nodes[0].Options);
        FloatClose(g, 0, 4);
        Int8BitIdentical(g, 5);
    }

    public static IEnumerable<object[]> Cases()
    {
        (int H, int W, int Oh, int Ow)[] sizes = [(3, 4, 6, 8), (3, 3, 5, 5), (3, 5, 5, 3), (5, 4, 3, 2), (4, 5, 7, 9), (1, 1, 3, 2)];
        foreach (var align in new[] { false, true })
            foreach (var half in new[] { false, true })
                foreach (var (h, w, oh, ow) in sizes)
                    yield return [h, w, oh, ow, align, half];
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Float_resize_nearest_is_identical_to_TFLite(int h, int w, int oh, int ow, bool alignCorners, bool halfPixel)
    {
        var graph = Resize(h, w, oh, ow, alignCorners, halfPixel);
        var r = new Random(h * 100 + w * 10 + oh);
        var x = Enumerable.Range(0, h * w * 3).Select(_ => (float)r.NextDouble() * 4 - 2).ToArray();

        var expected = TfLite.TfLiteWriterFloatOracleTests.TfLiteRuntimeFloat(graph, [x]);
        var actual = new FloatExecutor(graph).Run(new Dictionary<Tensor, float[]> { [graph.Inputs[0]] = x })[graph.Outputs[0]];

        NumericAssert.Close(expected, actual, 0, $"resize {h}x{w} -> {oh}x{ow} align_corners={alignCorners} half_pixel_centers={halfPixel}");
    }

    [TestMethod]
    public void Align_corners_rounds_halves_away_from_zero_as_TFLite_does()
    {
        // 3 -> 5 with align_corners: scale 0.5, outputs 1 and 3 sit on 0.5 and 1.5; TFLite rounds them to 1 and 2.
        var graph = Resize(1, 3, 1, 5, alignCorners: true, halfPixel: false, channels: 1);
        float[] ramp = [0, 1, 2];

        var tflite = TfLite.TfLiteWriterFloatOracleTests.TfLiteRuntimeFloat(graph, [ramp]);
        var ours = new FloatExecutor(graph).Run(new Dictionary<Tensor, float[]> { [graph.Inputs[0]] = ramp })[graph.Outputs[0]];

        CollectionAssert.AreEqual(new float[] { 0, 1, 1, 2, 2 }, tflite, "TFLite's source indices");
        CollectionAssert.AreEqual(tflite, ours);
    }

    private static ModelGraph Resize(int h, int w, int oh, int ow, bool alignCorners, bool halfPixel, int channels = 3)
    {
        var x = new Tensor("x", [1, h, w, channels]);
        var size = new Tensor("size", [2], DataType.Int32, new[] { oh, ow });
        var y = new Tensor("y", [1, oh, ow, channels]);
        return new ModelGraph("resize", [x], [y], [new Node("y", OpType.ResizeNearestNeighbor, [x, size], [y], new ResizeOptions(alignCorners, halfPixel))]);
    }
}

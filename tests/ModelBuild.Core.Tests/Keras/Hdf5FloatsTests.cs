using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using PureHDF;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>Weight datasets stored as float16, float32 or float64 read as float32: on written files and on a real model's weights.</summary>
[TestClass]
public sealed class Hdf5FloatsTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("hdf5-floats");

    private static float[] ReadBack(string name, object data)
    {
        var path = Path.Combine(_dir, name + ".h5");
        new H5File { ["w"] = new H5Dataset(data) }.Write(path);
        using var h5 = H5File.OpenRead(path);
        return Hdf5Floats.Read(h5.Dataset("w"));
    }

    [TestMethod]
    public void Float64_weights_round_to_the_nearest_float32()
    {
        CollectionAssert.AreEqual(new[] { 0.1f, -2.5f, (float)Math.PI }, ReadBack("f64", new[] { 0.1, -2.5, Math.PI }));
    }

    [TestMethod]
    public void Float16_weights_widen_exactly()
    {
        var halves = new[] { (Half)0.1, (Half)(-2.5), Half.MaxValue };
        CollectionAssert.AreEqual(halves.Select(h => (float)h).ToArray(), ReadBack("f16", halves));
    }

    [TestMethod]
    public void Float32_weights_read_unchanged()
    {
        CollectionAssert.AreEqual(new[] { 1e-30f, -0f, 3.4e38f }, ReadBack("f32", new[] { 1e-30f, -0f, 3.4e38f }));
    }

    [TestMethod]
    public void Real_model_kernel_reads_as_its_float32_dataset()
    {
        using var h5 = H5File.OpenRead(RepoPaths.KerasModel("03_mlperf_tiny_resnet8_cifar10_k2.4.h5"));
        var group = h5.Group("model_weights/conv2d");
        var dataset = group.Dataset(group.Attribute("weight_names").Read<string[]>()[0]);

        Assert.AreEqual(4, (int)dataset.Type.Size, "Keras writes float32");
        var floats = Hdf5Floats.Read(dataset);
        CollectionAssert.AreEqual(dataset.Read<float[]>(), floats);
        Assert.IsGreaterThan(0f, floats.Max() - floats.Min(), "trained weights, not a constant");
    }
}

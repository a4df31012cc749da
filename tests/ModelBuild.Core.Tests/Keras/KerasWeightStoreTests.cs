using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using PureHDF;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>Finding a layer's weights in a Keras 2 .h5: short names, file order, nested models' weights under their outermost layer.</summary>
[TestClass]
public sealed class KerasWeightStoreTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("keras-weight-store");

    private static List<(string ShortName, float[] Data)> WeightsOf(string file, string group, string layer)
    {
        using var h5 = H5File.OpenRead(file);
        var store = new KerasWeightStore(file, h5);
        return store.WeightsOf(group, layer).Select(w => (w.ShortName, store.Read(w.Dataset, layer, "Dense"))).ToList();
    }

    [TestMethod]
    public void A_layers_weights_come_by_short_name_in_file_order()
    {
        var file = WriteFile(Path.Combine(_dir, "dense.h5"), null,
        [
            ("dense_1", "dense_1_1/kernel:0", [1, 2], [1, 2]),
            ("dense_1", "dense_1_1/bias:0", [3, 4], [2]),
        ]);
        var weights = WeightsOf(file, "dense_1", "dense_1");
        CollectionAssert.AreEqual(new[] { "kernel", "bias" }, weights.Select(w => w.ShortName).ToArray());
        CollectionAssert.AreEqual(new float[] { 3, 4 }, weights[1].Data);
    }

    [TestMethod]
    public void Keras3_names_without_the_colon_suffix_read_alike()
    {
        var file = WriteFile(Path.Combine(_dir, "keras3_names.h5"), null, [("dense", "dense/kernel", [5], [1, 1])]);
        Assert.AreEqual("kernel", WeightsOf(file, "dense", "dense").Single().ShortName);
    }

    [TestMethod]
    public void A_nested_layer_gets_only_its_own_weights_from_the_outer_group()
    {
        var file = WriteFile(Path.Combine(_dir, "nested.h5"), null,
        [
            ("backbone", "backbone/conv/kernel:0", [1], [1, 1, 1, 1]),
            ("backbone", "backbone/bn/gamma:0", [2], [1]),
            ("backbone", "backbone/bn/beta:0", [3], [1]),
        ]);
        var bn = WeightsOf(file, "backbone", "bn");
        CollectionAssert.AreEqual(new[] { "gamma", "beta" }, bn.Select(w => w.ShortName).ToArray());
        CollectionAssert.AreEqual(new float[] { 2 }, bn[0].Data);
    }

    [TestMethod]
    public void A_layer_without_a_group_has_no_weights()
    {
        var file = WriteFile(Path.Combine(_dir, "other.h5"), null, [("dense", "dense/kernel:0", [5], [1, 1])]);
        Assert.IsEmpty(WeightsOf(file, "relu", "relu"));
    }
}

using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Core.Tests.Pipeline;

[TestClass]
public sealed class ModelBuildSettingsTests
{
    [TestMethod]
    [DataRow("7", 7.0)]
    [DataRow("0.5", 0.5)]
    [DataRow("1e1", 10.0)]
    public void Budgets_parse_in_the_invariant_culture(string text, double expected) =>
        Assert.AreEqual(expected, ModelBuildSettings.ParseBudget(text, "m.h5"));

    [TestMethod]
    [DataRow("")]
    [DataRow("0")]
    [DataRow("-1")]
    [DataRow("7,5")]
    [DataRow("NaN")]
    [DataRow("Infinity")]
    public void A_budget_that_is_not_a_positive_number_is_MB2001_naming_the_model(string text)
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => ModelBuildSettings.ParseBudget(text, "m.h5"));
        Assert.AreEqual("MB2001", e.Code);
        Assert.AreEqual("m.h5", e.File);
    }

    [TestMethod]
    public void Quantization_is_per_channel_unless_PerTensor_in_any_case()
    {
        Assert.IsTrue(ModelBuildSettings.ParsePerChannel(null, "m.h5"));
        Assert.IsTrue(ModelBuildSettings.ParsePerChannel(" PerChannel ", "m.h5"));
        Assert.IsFalse(ModelBuildSettings.ParsePerChannel("pertensor", "m.h5"));
        Assert.AreEqual("MB3050", Assert.ThrowsExactly<ModelBuildException>(() => ModelBuildSettings.ParsePerChannel("int4", "m.h5")).Code);
    }

    [TestMethod]
    [DataRow("", ModelBuildDefaults.CalibrationSamples)]
    [DataRow("8", 8)]
    public void Samples_default_when_empty_and_parse_whole_numbers(string text, int expected) =>
        Assert.AreEqual(expected, ModelBuildSettings.ParseSamples(text, "m.h5"));

    [TestMethod]
    [DataRow("0")]
    [DataRow("-3")]
    [DataRow("2.5")]
    [DataRow("many")]
    public void Samples_that_are_not_a_positive_whole_number_are_MB3056(string text) =>
        Assert.AreEqual("MB3056", Assert.ThrowsExactly<ModelBuildException>(() => ModelBuildSettings.ParseSamples(text, "m.h5")).Code);

    [TestMethod]
    [DataRow(null, ModelBuildDefaults.MinSqnrDb)]
    [DataRow("0", 0.0)]
    [DataRow("12.5", 12.5)]
    public void MinSqnr_defaults_when_empty_and_allows_zero(string? text, double expected) =>
        Assert.AreEqual(expected, ModelBuildSettings.ParseMinSqnr(text, "m.h5"));

    [TestMethod]
    public void A_negative_MinSqnr_is_MB3058() =>
        Assert.AreEqual("MB3058", Assert.ThrowsExactly<ModelBuildException>(() => ModelBuildSettings.ParseMinSqnr("-1", "m.h5")).Code);

    [TestMethod]
    public void Lists_split_on_semicolons_and_commas_and_drop_blanks()
    {
        CollectionAssert.AreEqual(new[] { "conv2_block3_out", "conv3_block4_out", "conv4_block6_out" },
            ModelBuildSettings.ParseList(" conv2_block3_out; conv3_block4_out,,conv4_block6_out ;").ToArray());
        Assert.IsEmpty(ModelBuildSettings.ParseList(null));
    }
}

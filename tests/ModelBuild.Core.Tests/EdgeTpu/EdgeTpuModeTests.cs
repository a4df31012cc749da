using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>The <c>EdgeTpu</c> metadata value: one of three names in any case, empty for Auto, anything else MB4005.</summary>
[TestClass]
public sealed class EdgeTpuModeTests
{
    [TestMethod]
    [DataRow("Auto", EdgeTpuMode.Auto)]
    [DataRow("required", EdgeTpuMode.Required)]
    [DataRow("OFF", EdgeTpuMode.Off)]
    [DataRow("  Off ", EdgeTpuMode.Off)]
    public void Mode_names_parse_case_insensitively(string text, EdgeTpuMode expected) =>
        Assert.AreEqual(expected, EdgeTpuModes.Parse(text));

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("   ")]
    public void Empty_mode_is_Auto(string? text) => Assert.AreEqual(EdgeTpuMode.Auto, EdgeTpuModes.Parse(text));

    [TestMethod]
    [DataRow("sometimes")]
    [DataRow("1")]
    [DataRow("0")]
    [DataRow("-1")]
    [DataRow("Auto, Off")]
    [DataRow("Required,Off")]
    [DataRow("Autox")]
    public void A_value_that_is_not_a_mode_name_is_MB4005(string text) =>
        Assert.AreEqual("MB4005", Assert.ThrowsExactly<ModelBuildException>(() => EdgeTpuModes.Parse(text)).Code);

    [TestMethod]
    public void The_MB4005_message_names_the_value_the_valid_names_and_the_file()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => EdgeTpuModes.Parse("1", "/models/m.h5"));
        StringAssert.Contains(e.Message, "EdgeTpu=\"1\"");
        StringAssert.Contains(e.Message, "Auto, Required, Off");
        Assert.AreEqual("/models/m.h5", e.File);
    }
}

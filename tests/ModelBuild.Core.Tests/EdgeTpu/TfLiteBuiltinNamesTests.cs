using System.Text.RegularExpressions;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>The builtin names the Edge TPU compiler prints, by schema.fbs code.</summary>
[TestClass]
public sealed partial class TfLiteBuiltinNamesTests
{
    [TestMethod]
    [DataRow(0, "ADD")]
    [DataRow(3, "CONV_2D")]
    [DataRow(34, "PAD")]
    [DataRow(65, "SLICE")]
    [DataRow(97, "RESIZE_NEAREST_NEIGHBOR")]
    [DataRow(114, "QUANTIZE")]
    [DataRow(117, "HARD_SWISH")]
    public void Code_gives_the_schema_name(int code, string name) => Assert.AreEqual(name, TfLiteBuiltinNames.Name(code));

    [TestMethod]
    [DataRow(-1)]
    [DataRow(118)]
    [DataRow(1000)]
    public void Code_outside_the_table_gives_a_builtin_placeholder(int code) => Assert.AreEqual($"BUILTIN_{code}", TfLiteBuiltinNames.Name(code));

    [TestMethod]
    public void Name_gives_back_its_code_and_an_unknown_name_none()
    {
        Assert.AreEqual(117, TfLiteBuiltinNames.Code("HARD_SWISH"));
        Assert.AreEqual(4, TfLiteBuiltinNames.Code("DEPTHWISE_CONV_2D"));
        Assert.IsNull(TfLiteBuiltinNames.Code("hard_swish"), "names are the compiler's upper case");
        Assert.IsNull(TfLiteBuiltinNames.Code("NOT_AN_OP"));
    }

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex WordStart();

    [TestMethod]
    public void Every_builtin_the_writer_knows_has_the_same_name_as_in_the_schema()
    {
        // TfLiteBuiltinOperator spells schema.fbs names in PascalCase; the name table must agree code for code.
        var exceptions = new Dictionary<string, string>
        {
            ["Conv2D"] = "CONV_2D",
            ["DepthwiseConv2D"] = "DEPTHWISE_CONV_2D",
            ["AveragePool2D"] = "AVERAGE_POOL_2D",
            ["MaxPool2D"] = "MAX_POOL_2D",
            ["ReluN1To1"] = "RELU_N1_TO_1",
            ["Relu6"] = "RELU6"
        };
        foreach (var op in Enum.GetValues<TfLiteBuiltinOperator>())
        {
            var pascal = op.ToString();
            var expected = exceptions.TryGetValue(pascal, out var e) ? e : WordStart().Replace(pascal, "_").ToUpperInvariant();
            Assert.AreEqual(expected, TfLiteBuiltinNames.Name((int)op), $"{op} = {(int)op}");
        }
    }
}

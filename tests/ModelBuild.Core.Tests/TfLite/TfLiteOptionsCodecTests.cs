using System.Text.Json;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>
/// The option tables: padding and fused-activation codes as schema.fbs numbers them, the codes the IR cannot hold
/// refused, and every one-op model's options through the writer and the reader unchanged.
/// </summary>
[TestClass]
public sealed class TfLiteOptionsCodecTests
{
    [TestMethod]
    [DataRow(Padding.Same, (sbyte)0)]
    [DataRow(Padding.Valid, (sbyte)1)]
    public void Padding_has_its_schema_code_both_ways(Padding padding, sbyte code)
    {
        Assert.AreEqual(code, TfLiteOptionsCodec.PaddingCode(padding));
        Assert.AreEqual(padding, TfLiteOptionsCodec.ToPadding(code));
    }

    [TestMethod]
    public void An_unknown_padding_code_is_invalid_data()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => TfLiteOptionsCodec.ToPadding(2));
        StringAssert.Contains(e.Message, "Padding code 2");
    }

    [TestMethod]
    [DataRow(FusedActivation.None, (sbyte)0)]
    [DataRow(FusedActivation.Relu, (sbyte)1)]
    [DataRow(FusedActivation.ReluN1To1, (sbyte)2)]
    [DataRow(FusedActivation.Relu6, (sbyte)3)]
    public void Fused_activation_has_its_schema_code_both_ways(FusedActivation activation, sbyte code)
    {
        Assert.AreEqual(code, TfLiteOptionsCodec.ActivationCode(activation));
        Assert.AreEqual(activation, TfLiteOptionsCodec.ToActivation(code));
    }

    [TestMethod]
    [DataRow((sbyte)4, DisplayName = "TANH")]
    [DataRow((sbyte)5, DisplayName = "SIGN_BIT")]
    public void A_fused_activation_the_ir_lacks_is_invalid_data(sbyte code)
    {
        Assert.ThrowsExactly<InvalidDataException>(() => TfLiteOptionsCodec.ToActivation(code));
    }

    public static IEnumerable<object[]> OneOpModels => Int8OneOpModels.All().Select(c => new object[] { c.Name });

    [TestMethod]
    [DynamicData(nameof(OneOpModels))]
    public void Options_survive_writing_and_reading(string name)
    {
        var graph = Int8OneOpModels.All().Single(c => c.Name == name).Graph;
        var node = graph.Nodes.Single();
        var read = TfLiteReader.Read(TfLiteWriter.Write(graph)).Nodes.Single();

        Assert.AreEqual(node.Op, read.Op);
        // JSON, so that array members (RESHAPE's new shape) compare by value.
        Assert.AreEqual(Json(node.Options), Json(read.Options), name);
    }

    private static string Json(OpOptions? o) => o is null ? "null" : o.GetType().Name + JsonSerializer.Serialize(o, o.GetType());
}

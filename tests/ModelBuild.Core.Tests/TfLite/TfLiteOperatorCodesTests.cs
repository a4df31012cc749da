using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>The one-to-one map between the IR's op types and TFLite builtin codes.</summary>
[TestClass]
public sealed class TfLiteOperatorCodesTests
{
    [TestMethod]
    public void Every_op_type_goes_to_its_builtin_and_back()
    {
        foreach (var op in Enum.GetValues<OpType>())
        {
            var code = (int)TfLiteOperatorCodes.Builtin(op);
            Assert.IsTrue(TfLiteOperatorCodes.TryGetOpType(code, out var back), $"{op} → {code}");
            Assert.AreEqual(op, back);
        }
    }

    [TestMethod]
    [DataRow(OpType.Conv2D, 3)]
    [DataRow(OpType.DepthwiseConv2D, 4)]
    [DataRow(OpType.FullyConnected, 9)]
    [DataRow(OpType.Pad, 34)]
    [DataRow(OpType.Quantize, 114)]
    [DataRow(OpType.HardSwish, 117)]
    public void Op_type_gives_its_schema_builtin_code(OpType op, int code) => Assert.AreEqual(code, (int)TfLiteOperatorCodes.Builtin(op));

    [TestMethod]
    [DataRow(32, DisplayName = "CUSTOM")]
    [DataRow(42, DisplayName = "DIV")]
    [DataRow(-1)]
    [DataRow(1000)]
    public void A_builtin_without_an_op_type_is_not_found(int code)
    {
        Assert.IsFalse(TfLiteOperatorCodes.TryGetOpType(code, out var op));
        Assert.AreEqual(default, op);
    }
}

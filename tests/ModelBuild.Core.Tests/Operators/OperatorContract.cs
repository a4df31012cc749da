using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>What every operator definition promises the writer, reader and Edge TPU check, asserted on one node.</summary>
internal static class OperatorContract
{
    /// <summary>A node whose output shape comes from its definition; an int8 output (0.05, -3) when the first input is int8.</summary>
    public static Node Make(string name, OpType op, Tensor?[] inputs, OpOptions? options = null)
    {
        var probe = new Node(name, op, inputs, [new Tensor("probe", [])], options);
        var shape = OperatorRegistry.For(op).InferOutputShape(probe);
        var y = inputs[0]!.Type == DataType.Int8 ? TestGraphs.EdgeTpuTestGraphs.Act(name, shape) : new Tensor(name, shape);
        return new Node(name, op, inputs, [y], options);
    }

    /// <summary>A graph of <paramref name="node"/> alone; its non-constant inputs are the graph's inputs.</summary>
    public static ModelGraph Alone(Node node) =>
        new(node.Name, node.Inputs.Where(t => t is { Data: null }).Select(t => t!).Distinct().ToList(), node.Outputs, [node]);

    /// <summary>The node written by our TfLiteWriter: the operator code as the file holds it, and the node our reader makes of it.</summary>
    public static (int Builtin, int Version, Node Back) WriteAndReadBack(Node node)
    {
        var bytes = TfLiteWriter.Write(Alone(node));
        var code = TfLiteFlatModel.Read(bytes).OperatorCodes.Single();
        return (code.BuiltinCode, code.Version, TfLiteReader.Read(bytes).Nodes.Single());
    }

    /// <summary>The file holds builtin <paramref name="builtin"/> (schema.fbs number) at <paramref name="version"/>, and the options read back equal.</summary>
    public static void AssertWrittenAs(Node node, int builtin, int version)
    {
        var (code, v, back) = WriteAndReadBack(node);
        Assert.AreEqual((builtin, version), (code, v), $"{node.Op}: builtin code and version in the file");
        Assert.AreEqual(node.Op, back.Op);
        Assert.AreEqual(node.Options, back.Options, $"{node.Op}: options read back");
    }

    /// <summary>The operator is in Coral's table and its version is one the Edge TPU compiler accepts.</summary>
    public static void AssertEdgeTpuAccepts(Node node)
    {
        var d = OperatorRegistry.For(node);
        var name = TfLiteBuiltinNames.Name((int)d.Builtin);
        Assert.IsFalse(d.EdgeTpuCpuOnly, $"{name} is marked CPU-only");
        Assert.IsTrue(EdgeTpuOperatorRules.SupportedMaxVersion.TryGetValue(name, out int max), $"{name} is not in Coral's table");
        Assert.IsLessThanOrEqualTo(max, d.Version(node), $"{name}: our version against the compiler's highest");
    }
}

using ModelBuild.Core.Graph;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>
/// Buffer sharing on large int8 constants (found by a sampled key, confirmed byte by byte) and slices that share
/// their constants' arrays for writing.
/// </summary>
[TestClass]
public sealed class TfLiteWriterBufferSharingTests
{
    private static ModelGraph TwoConstants(sbyte[] a, sbyte[] b)
    {
        var q = QuantParams.PerTensor(0.1f, 0);
        var x = new Tensor("x", [1, a.Length], DataType.Int8) { Quant = q };
        var c1 = new Tensor("c1", [1, a.Length], DataType.Int8, a) { Quant = q };
        var c2 = new Tensor("c2", [1, b.Length], DataType.Int8, b) { Quant = q };
        var y1 = new Tensor("y1", [1, a.Length], DataType.Int8) { Quant = q };
        var y2 = new Tensor("y2", [1, a.Length], DataType.Int8) { Quant = q };
        return new ModelGraph("two", [x], [y2],
            [new Node("y1", OpType.Add, [x, c1], [y1], new ElementwiseOptions()), new Node("y2", OpType.Add, [y1, c2], [y2], new ElementwiseOptions())]);
    }

    private static sbyte[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-127, 128)).ToArray();
    }

    private static (uint C1, uint C2, byte[] Data1, byte[] Data2) Buffers(ModelGraph g)
    {
        var flat = TfLiteFlatModel.Read(TfLiteWriter.Write(g));
        var t = flat.Subgraphs[0].Tensors;
        uint b1 = t.Single(v => v.Name == "c1").Buffer, b2 = t.Single(v => v.Name == "c2").Buffer;
        return (b1, b2, flat.Buffers[(int)b1].ToArray(), flat.Buffers[(int)b2].ToArray());
    }

    [TestMethod]
    public void Equal_large_constants_share_one_buffer()
    {
        var a = Random(100_003, 1);
        var (b1, b2, d1, _) = Buffers(TwoConstants(a, (sbyte[])a.Clone()));
        Assert.AreEqual(b1, b2);
        CollectionAssert.AreEqual(a.Select(v => (byte)v).ToArray(), d1);
    }

    [TestMethod]
    [DataRow(100, DisplayName = "a byte between the sampled positions (same key, told apart byte by byte)")]
    [DataRow(100_002, DisplayName = "the last byte")]
    public void Large_constants_that_differ_in_one_byte_keep_their_own_buffers(int at)
    {
        var a = Random(100_003, 2);
        var b = (sbyte[])a.Clone();
        b[at] = (sbyte)(b[at] == 5 ? 6 : 5);
        var (b1, b2, d1, d2) = Buffers(TwoConstants(a, b));
        Assert.AreNotEqual(b1, b2);
        CollectionAssert.AreEqual(a.Select(v => (byte)v).ToArray(), d1);
        CollectionAssert.AreEqual(b.Select(v => (byte)v).ToArray(), d2);
    }

    [TestMethod]
    public void A_slice_for_writing_shares_constant_arrays_and_writes_the_same_bytes()
    {
        var g = TwoConstants(Random(1000, 3), Random(1000, 4));
        var shared = GraphSlicer.Slice(g, "y1", null, shareConstants: true);
        var copied = GraphSlicer.Slice(g, "y1", null);
        var c2 = g.Nodes[1].Inputs[1]!;
        Assert.AreSame(c2.Data, shared.Nodes.Single().Inputs[1]!.Data);
        Assert.AreNotSame(c2.Data, copied.Nodes.Single().Inputs[1]!.Data);
        CollectionAssert.AreEqual(TfLiteWriter.Write(copied), TfLiteWriter.Write(shared));
    }
}

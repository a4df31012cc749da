using Google.FlatBuffers;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>Reading one builtin option table by slot: the values written, and the defaults for a missing field or table.</summary>
[TestClass]
public sealed class TfLiteOptionsTableTests
{
    /// <summary>Slots: 0 int, 1 byte, 2 bool, 3 float, 4 int vector; only those given are written.</summary>
    private static TfLiteOptionsTable Table(int? i = null, sbyte? b = null, bool? flag = null, float? f = null, int[]? v = null)
    {
        var fb = new FlatBufferBuilder(64);
        VectorOffset? vector = null;
        if (v is not null)
        {
            fb.StartVector(4, v.Length, 4);
            for (int k = v.Length - 1; k >= 0; k--) fb.AddInt(v[k]);
            vector = fb.EndVector();
        }

        fb.StartTable(5);
        if (i is { } iv) fb.AddInt(0, iv, int.MinValue);
        if (b is { } bv) fb.AddSbyte(1, bv, sbyte.MinValue);
        if (flag is { } fv) fb.AddBool(2, fv, !fv);
        if (f is { } ff) fb.AddFloat(3, ff, float.NaN);
        if (vector is { } vo) fb.AddOffset(4, vo.Value, 0);
        fb.Finish(fb.EndTable());
        var bb = new ByteBuffer(fb.SizedByteArray());
        return new TfLiteOptionsTable(new Table(bb.GetInt(0), bb));
    }

    [TestMethod]
    public void Written_fields_are_read_back_by_slot()
    {
        var t = Table(42, -3, true, 0.25f, [7, -1, 3]);
        Assert.AreEqual(42, t.Int(0, 0));
        Assert.AreEqual((sbyte)-3, t.Byte(1));
        Assert.IsTrue(t.Bool(2));
        Assert.AreEqual(0.25f, t.Float(3, 0f));
        CollectionAssert.AreEqual(new[] { 7, -1, 3 }, t.IntVector(4));
    }

    [TestMethod]
    public void Missing_fields_give_the_defaults()
    {
        var t = Table(i: 5);
        Assert.AreEqual(5, t.Int(0, 0));
        Assert.AreEqual(9, t.Int(1, 9), "an absent slot gives the caller's default");
        Assert.AreEqual((sbyte)0, t.Byte(1));
        Assert.IsFalse(t.Bool(2));
        Assert.AreEqual(1.5f, t.Float(3, 1.5f));
        Assert.IsNull(t.IntVector(4));
    }

    [TestMethod]
    public void A_missing_table_gives_the_defaults()
    {
        var t = new TfLiteOptionsTable(null);
        Assert.AreEqual((7, (sbyte)0, false, 2f), (t.Int(0, 7), t.Byte(1), t.Bool(2), t.Float(3, 2f)));
        Assert.IsNull(t.IntVector(4));
    }

    [TestMethod]
    public void Any_nonzero_byte_is_true() => Assert.IsTrue(Table(b: 2).Bool(1));
}

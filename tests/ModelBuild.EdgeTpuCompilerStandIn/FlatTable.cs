using System.Buffers.Binary;
using System.Text;

namespace ModelBuild.EdgeTpuCompilerStandIn;

/// <summary>
/// One FlatBuffers table read straight from the bytes (little-endian; a table starts with a signed offset back to its
/// vtable, whose 16-bit entries give each field's offset in the table, 0 for an absent field). Just what the stand-in needs.
/// </summary>
internal readonly struct FlatTable(byte[] bytes, int position)
{
    public static FlatTable Root(byte[] bytes) => new(bytes, checked((int)U32(bytes, 0)));

    private int FieldOffset(int field)
    {
        int vtable = position - BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position));
        int vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(vtable));
        int entry = 4 + 2 * field;
        return entry + 2 <= vtableSize ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(vtable + entry)) : 0;
    }

    public bool Has(int field) => FieldOffset(field) != 0;

    public int Int(int field, int fallback = 0) => FieldOffset(field) is var o and not 0 ? BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position + o)) : fallback;

    public uint UInt(int field) => FieldOffset(field) is var o and not 0 ? U32(bytes, position + o) : 0;

    public int Byte(int field, int fallback = 0) => FieldOffset(field) is var o and not 0 ? bytes[position + o] : fallback;

    public sbyte SByte(int field) => FieldOffset(field) is var o and not 0 ? (sbyte)bytes[position + o] : (sbyte)0;

    /// <summary>Where an offset field (table, vector, string) points, or -1 when absent.</summary>
    private int Target(int field) => FieldOffset(field) is var o and not 0 ? position + o + checked((int)U32(bytes, position + o)) : -1;

    public FlatTable? Table(int field) => Target(field) is var t and >= 0 ? new FlatTable(bytes, t) : null;

    public string? String(int field) =>
        Target(field) is var t and >= 0 ? Encoding.UTF8.GetString(bytes, t + 4, checked((int)U32(bytes, t))) : null;

    public int VectorLength(int field) => Target(field) is var t and >= 0 ? checked((int)U32(bytes, t)) : 0;

    public int[] Ints(int field)
    {
        int t = Target(field);
        if (t < 0) return [];
        var values = new int[U32(bytes, t)];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(t + 4 + 4 * i));
        return values;
    }

    public ArraySegment<byte> Bytes(int field) =>
        Target(field) is var t and >= 0 ? new ArraySegment<byte>(bytes, t + 4, checked((int)U32(bytes, t))) : ArraySegment<byte>.Empty;

    public List<FlatTable> Tables(int field)
    {
        int t = Target(field);
        var tables = new List<FlatTable>();
        if (t < 0) return tables;
        for (int i = 0, n = checked((int)U32(bytes, t)); i < n; i++)
        {
            int element = t + 4 + 4 * i;
            tables.Add(new FlatTable(bytes, element + checked((int)U32(bytes, element))));
        }

        return tables;
    }

    private static uint U32(byte[] bytes, int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
}

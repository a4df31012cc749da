using Google.FlatBuffers;

namespace ModelBuild.Core.TfLite;

/// <summary>Reads the fields of one builtin option table by slot; a missing table or field gives the default.</summary>
internal readonly struct TfLiteOptionsTable(Table? table)
{
    public int Int(int slot, int def) => Offset(slot) is var o && o != 0 ? table!.Value.bb.GetInt(table.Value.bb_pos + o) : def;

    public sbyte Byte(int slot) => Offset(slot) is var o && o != 0 ? table!.Value.bb.GetSbyte(table.Value.bb_pos + o) : (sbyte)0;

    public bool Bool(int slot) => Byte(slot) != 0;

    public float Float(int slot, float def) => Offset(slot) is var o && o != 0 ? table!.Value.bb.GetFloat(table.Value.bb_pos + o) : def;

    public int[]? IntVector(int slot) => Offset(slot) != 0 ? table!.Value.__vector_as_array<int>(4 + 2 * slot) : null;

    private int Offset(int slot) => table is { } t ? t.__offset(4 + 2 * slot) : 0;
}

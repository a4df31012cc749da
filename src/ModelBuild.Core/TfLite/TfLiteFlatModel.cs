using System.Text;
using Google.FlatBuffers;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.TfLite;

/// <summary>
/// A .tflite file as stored: operator codes (builtin or custom, e.g. <c>edgetpu-custom-op</c>), subgraphs with their
/// tensors and operators, buffers and metadata. No interpretation beyond the schema; see <see cref="TfLiteReader"/>
/// for the IR view.
/// </summary>
public sealed class TfLiteFlatModel
{
    private TfLiteFlatModel(uint version, string? description, IReadOnlyList<TfLiteFlatOperatorCode> operatorCodes,
        IReadOnlyList<TfLiteFlatSubGraph> subgraphs, IReadOnlyList<ArraySegment<byte>> buffers, IReadOnlyList<TfLiteFlatMetadata> metadata)
    {
        Version = version;
        Description = description;
        OperatorCodes = operatorCodes;
        Subgraphs = subgraphs;
        Buffers = buffers;
        Metadata = metadata;
    }

    /// <summary>Schema version (3 for every current TFLite model).</summary>
    public uint Version { get; }

    public string? Description { get; }

    public IReadOnlyList<TfLiteFlatOperatorCode> OperatorCodes { get; }

    public IReadOnlyList<TfLiteFlatSubGraph> Subgraphs { get; }

    /// <summary>Buffer contents (index 0 is the empty sentinel), as views into the model bytes.</summary>
    public IReadOnlyList<ArraySegment<byte>> Buffers { get; }

    public IReadOnlyList<TfLiteFlatMetadata> Metadata { get; }

    /// <summary>The <c>min_runtime_version</c> metadata string, or null when the model has none.</summary>
    public string? MinRuntimeVersion => MetadataString(TfLiteWriter.MinRuntimeVersionMetadata);

    public string? MetadataString(string name)
    {
        var m = Metadata.FirstOrDefault(x => x.Name == name);
        if (m is null || m.Buffer >= Buffers.Count) return null;
        return Encoding.UTF8.GetString(Buffers[(int)m.Buffer]).TrimEnd('\0');
    }

    /// <summary>A few lines for people (CLI inspect, logs): operators with versions, inputs and outputs with quantization.</summary>
    public string Summary()
    {
        var sb = new StringBuilder();
        var sg = Subgraphs.Count > 0 ? Subgraphs[0] : null;
        sb.AppendLine($"schema v{Version}, {Subgraphs.Count} subgraph(s), {Buffers.Sum(b => (long)b.Count)} buffer bytes, min runtime {MinRuntimeVersion ?? "-"}");
        if (sg is null) return sb.ToString();
        var counts = sg.Operators.GroupBy(o => o.OpcodeIndex).OrderBy(g => g.Key)
            .Select(g => $"{OperatorCodes[(int)g.Key].DisplayName} v{OperatorCodes[(int)g.Key].Version} ×{g.Count()}");
        sb.AppendLine($"operators: {string.Join(", ", counts)}");
        foreach (var (role, list) in new[] { ("input", sg.Inputs), ("output", sg.Outputs) })
            foreach (var i in list)
            {
                var t = sg.Tensors[i];
                var q = t.Quantization is { } p ? $" scale={p.Scale[0]:G6} zero_point={p.ZeroPoint[0]}" : "";
                sb.AppendLine($"{role}: {t}{q}");
            }

        return sb.ToString();
    }

    public static TfLiteFlatModel ReadFile(string path) => Read(File.ReadAllBytes(path), path);

    public static TfLiteFlatModel Read(byte[] bytes) => Read(bytes, "<buffer>");

    private static TfLiteFlatModel Read(byte[] bytes, string label)
    {
        if (bytes.Length < 8 || Encoding.ASCII.GetString(bytes, 4, 4) != S.FileIdentifier)
            throw new InvalidDataException($"{label}: not a TFLite model (no \"{S.FileIdentifier}\" file identifier).");
        try
        {
            var bb = new ByteBuffer(bytes);
            var model = new Table(bb.GetInt(0), bb);
            var codes = Tables(model, S.Model.OperatorCodes).Select(ReadOperatorCode).ToArray();
            var subgraphs = Tables(model, S.Model.Subgraphs).Select(ReadSubGraph).ToArray();
            var buffers = Tables(model, S.Model.Buffers).Select(t => ReadBuffer(t, bytes)).ToArray();
            var metadata = Tables(model, S.Model.Metadata)
                .Select(t => new TfLiteFlatMetadata(String(t, S.Metadata.Name) ?? "", UInt(t, S.Metadata.Buffer))).ToArray();
            return new TfLiteFlatModel(UInt(model, S.Model.Version), String(model, S.Model.Description), codes, subgraphs, buffers, metadata);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"{label}: corrupt TFLite flatbuffer ({e.Message}).", e);
        }
    }

    private static TfLiteFlatOperatorCode ReadOperatorCode(Table t)
    {
        int deprecated = Field(t, S.OperatorCode.DeprecatedBuiltinCode) is var o && o != 0 ? t.bb.GetSbyte(t.bb_pos + o) : 0;
        int extended = Int(t, S.OperatorCode.BuiltinCode, 0);
        return new TfLiteFlatOperatorCode(Math.Max(deprecated, extended), String(t, S.OperatorCode.CustomCode), Int(t, S.OperatorCode.Version, 1))
        {
            DeprecatedBuiltinCode = deprecated,
        };
    }

    private static TfLiteFlatSubGraph ReadSubGraph(Table t) => new(
        String(t, S.SubGraph.Name),
        Tables(t, S.SubGraph.Tensors).Select(ReadTensor).ToArray(),
        Ints(t, S.SubGraph.Inputs),
        Ints(t, S.SubGraph.Outputs),
        Tables(t, S.SubGraph.Operators).Select(ReadOperator).ToArray());

    private static TfLiteFlatTensor ReadTensor(Table t)
    {
        TfLiteFlatQuantization? quant = null;
        if (SubTable(t, S.Tensor.Quantization) is { } q)
        {
            var scale = Vector<float>(q, S.QuantizationParameters.Scale);
            var zeroPoint = Vector<long>(q, S.QuantizationParameters.ZeroPoint);
            if (scale.Length > 0)
                quant = new TfLiteFlatQuantization(scale, zeroPoint, Int(q, S.QuantizationParameters.QuantizedDimension, 0),
                    Vector<float>(q, S.QuantizationParameters.Min), Vector<float>(q, S.QuantizationParameters.Max));
        }

        int typeOffset = Field(t, S.Tensor.Type);
        return new TfLiteFlatTensor(
            String(t, S.Tensor.Name) ?? "",
            Ints(t, S.Tensor.Shape),
            typeOffset != 0 ? (TfLiteFlatTensorType)t.bb.GetSbyte(t.bb_pos + typeOffset) : TfLiteFlatTensorType.Float32,
            UInt(t, S.Tensor.Buffer),
            quant,
            Field(t, S.Tensor.IsVariable) is var v && v != 0 && t.bb.Get(t.bb_pos + v) != 0);
    }

    private static TfLiteFlatOperator ReadOperator(Table t)
    {
        int typeOffset = Field(t, S.Operator.BuiltinOptionsType);
        var optionsType = typeOffset != 0 ? (TfLiteBuiltinOptionsType)t.bb.Get(t.bb_pos + typeOffset) : TfLiteBuiltinOptionsType.None;
        var custom = Field(t, S.Operator.CustomOptions) != 0 ? Vector<byte>(t, S.Operator.CustomOptions) : null;
        return new TfLiteFlatOperator(UInt(t, S.Operator.OpcodeIndex), Ints(t, S.Operator.Inputs), Ints(t, S.Operator.Outputs),
            optionsType, SubTable(t, S.Operator.BuiltinOptions), custom);
    }

    private static ArraySegment<byte> ReadBuffer(Table t, byte[] bytes)
    {
        int o = Field(t, S.Buffer.Data);
        if (o != 0)
        {
            // Table.__vector/__vector_len take the field's offset within the table (what __offset returned).
            return new ArraySegment<byte>(bytes, t.__vector(o), t.__vector_len(o));
        }

        // Models over 2 GB keep data after the flatbuffer and give its offset and size instead.
        ulong offset = Field(t, S.Buffer.Offset) is var fo && fo != 0 ? t.bb.GetUlong(t.bb_pos + fo) : 0;
        ulong size = Field(t, S.Buffer.Size) is var fs && fs != 0 ? t.bb.GetUlong(t.bb_pos + fs) : 0;
        return offset > 1 ? new ArraySegment<byte>(bytes, checked((int)offset), checked((int)size)) : ArraySegment<byte>.Empty;
    }

    private static int Field(Table t, int slot) => t.__offset(4 + 2 * slot);

    private static int Int(Table t, int slot, int def) => Field(t, slot) is var o && o != 0 ? t.bb.GetInt(t.bb_pos + o) : def;

    private static uint UInt(Table t, int slot) => Field(t, slot) is var o && o != 0 ? t.bb.GetUint(t.bb_pos + o) : 0;

    private static string? String(Table t, int slot) => Field(t, slot) is var o && o != 0 ? t.__string(t.bb_pos + o) : null;

    private static int[] Ints(Table t, int slot) => Vector<int>(t, slot);

    private static T[] Vector<T>(Table t, int slot) where T : struct =>
        Field(t, slot) != 0 ? t.__vector_as_array<T>(4 + 2 * slot) ?? [] : [];

    private static Table? SubTable(Table t, int slot) => Field(t, slot) is var o && o != 0 ? new Table(t.__indirect(t.bb_pos + o), t.bb) : null;

    private static IEnumerable<Table> Tables(Table t, int slot)
    {
        int o = Field(t, slot);
        if (o == 0) yield break;
        int start = t.__vector(o);
        int n = t.__vector_len(o);
        for (int i = 0; i < n; i++) yield return new Table(t.__indirect(start + 4 * i), t.bb);
    }
}

/// <summary>An operator code; <see cref="BuiltinCode"/> is max(deprecated_builtin_code, builtin_code) as TFLite reads it.</summary>
public sealed record TfLiteFlatOperatorCode(int BuiltinCode, string? CustomCode, int Version)
{
    /// <summary>The legacy 8-bit field as stored (127 for operators beyond it).</summary>
    public int DeprecatedBuiltinCode { get; init; }

    public bool IsCustom => BuiltinCode == (int)TfLiteBuiltinOperator.Custom;

    /// <summary>Builtin operator name as in schema.fbs where ModelBuild knows it, else the number; custom ops give their code.</summary>
    public string DisplayName => IsCustom ? CustomCode ?? "CUSTOM" : Enum.IsDefined((TfLiteBuiltinOperator)BuiltinCode) ? ((TfLiteBuiltinOperator)BuiltinCode).ToString() : $"builtin#{BuiltinCode}";
}

public sealed record TfLiteFlatQuantization(float[] Scale, long[] ZeroPoint, int QuantizedDimension, float[] Min, float[] Max);

public sealed record TfLiteFlatTensor(string Name, int[] Shape, TfLiteFlatTensorType Type, uint Buffer, TfLiteFlatQuantization? Quantization, bool IsVariable)
{
    public override string ToString() => $"{Name} {Type}[{string.Join('x', Shape)}]";
}

public sealed record TfLiteFlatOperator(uint OpcodeIndex, int[] Inputs, int[] Outputs, TfLiteBuiltinOptionsType OptionsType, Table? Options, byte[]? CustomOptions);

public sealed record TfLiteFlatSubGraph(string? Name, IReadOnlyList<TfLiteFlatTensor> Tensors, int[] Inputs, int[] Outputs, IReadOnlyList<TfLiteFlatOperator> Operators);

public sealed record TfLiteFlatMetadata(string Name, uint Buffer);

namespace ModelBuild.EdgeTpuCompilerStandIn;

/// <summary>
/// The parts of a .tflite the stand-in looks at, read with its own <see cref="FlatTable"/> from TFLite's schema.fbs
/// (field numbers in the comments), independent of ModelBuild's reader.
/// </summary>
internal sealed record StandInModel(IReadOnlyList<StandInOperatorCode> Codes, IReadOnlyList<StandInTensor> Tensors,
    IReadOnlyList<StandInOperator> Operators, int[] Inputs, int[] Outputs, IReadOnlyList<ArraySegment<byte>> Buffers)
{
    /// <summary>schema.fbs TensorType values the rules name.</summary>
    public const int Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4, Int16 = 7, Int8 = 9;

    public static StandInModel Read(byte[] bytes)
    {
        if (bytes.Length < 8 || bytes[4] != 'T' || bytes[5] != 'F' || bytes[6] != 'L' || bytes[7] != '3')
            throw new InvalidDataException("no TFL3 file identifier");
        try
        {
            var model = FlatTable.Root(bytes);
            // Model: 1 operator_codes, 2 subgraphs, 4 buffers. OperatorCode: 0 deprecated_builtin_code, 1 custom_code, 3 builtin_code.
            var codes = model.Tables(1).Select(c => new StandInOperatorCode(Math.Max(c.SByte(0), c.Int(3)), c.String(1))).ToList();
            var buffers = model.Tables(4).Select(b => b.Bytes(0)).ToList();
            var subgraphs = model.Tables(2);
            if (subgraphs.Count == 0) throw new InvalidDataException("the model has no subgraph");
            var subgraph = subgraphs[0];
            // SubGraph: 0 tensors, 1 inputs, 2 outputs, 3 operators. Tensor: 0 shape, 1 type, 2 buffer, 3 name.
            var tensors = subgraph.Tables(0).Select(t => new StandInTensor(t.Ints(0), t.Byte(1), (int)t.UInt(2), t.String(3) ?? "")).ToList();
            // Operator: 0 opcode_index, 1 inputs, 2 outputs, 4 builtin_options.
            var operators = subgraph.Tables(3).Select(o => new StandInOperator((int)o.UInt(0), o.Ints(1), o.Ints(2), o.Table(4))).ToList();
            return new StandInModel(codes, tensors, operators, subgraph.Ints(1), subgraph.Ints(2), buffers);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException("not a well-formed TFLite flatbuffer", e);
        }
    }

    public StandInTensor? Tensor(int index) => index >= 0 && index < Tensors.Count ? Tensors[index] : null;

    /// <summary>A tensor whose buffer holds data: weights, biases, shapes, axes.</summary>
    public bool IsConstant(StandInTensor t) => t.Buffer > 0 && t.Buffer < Buffers.Count && Buffers[t.Buffer].Count > 0;

    public string Name(StandInOperator op) =>
        op.CodeIndex < 0 || op.CodeIndex >= Codes.Count ? "UNKNOWN"
        : Codes[op.CodeIndex] is { Builtin: StandInOperatorTable.CustomCode } c ? c.Custom ?? "CUSTOM"
        : StandInOperatorTable.BuiltinName(Codes[op.CodeIndex].Builtin);
}

internal sealed record StandInOperatorCode(int Builtin, string? Custom);

internal sealed record StandInTensor(int[] Shape, int Type, int Buffer, string Name);

internal sealed record StandInOperator(int CodeIndex, int[] Inputs, int[] Outputs, FlatTable? Options);

namespace ModelBuild.EdgeTpuCompilerStandIn;

/// <summary>What the stand-in "compiler" does with one operation: its row in the operation table.</summary>
internal sealed record StandInVerdict(string Operator, string Status)
{
    public bool Mapped => Status == StandInMapping.Mapped;
}

/// <summary>
/// Which operations the stand-in maps, from its own reading of Coral's requirements: 8-bit tensors, sizes fixed at
/// compile time, at most 3 dimensions above 1, the supported-operations table and its known limitations; then the
/// compiler's documented partitioning (an operation that reads what a CPU operation produced stays on the CPU; a
/// QUANTIZE of the float model input runs on the CPU in front of the Edge TPU part). The on-chip figure is the size of the
/// mapped operations' constant tensors, computed from their shapes and element types.
/// </summary>
internal static class StandInMapping
{
    public const string Mapped = "Mapped to Edge TPU";
    public const string NotSupported = "Operation not supported";
    public const string DataType = "Operation is working on an unsupported data type";
    public const string Limitation = "Operation is otherwise supported, but not mapped due to some unspecified limitation";
    public const string AfterCpu = "More than one subgraph is not supported";

    public static (List<StandInVerdict> Verdicts, long ParameterBytes) Map(StandInModel m)
    {
        var verdicts = new List<StandInVerdict>();
        var onCpu = new HashSet<int>();
        var constants = new Dictionary<int, long>();
        foreach (var op in m.Operators)
        {
            var name = m.Name(op);
            bool floatInputQuantize = name == "QUANTIZE" && op.Inputs.Length == 1 && m.Inputs.Contains(op.Inputs[0])
                                      && m.Tensor(op.Inputs[0])?.Type is StandInModel.Float32 or StandInModel.Float16;
            string status = floatInputQuantize ? Limitation : OwnStatus(m, op, name);
            if (status == Mapped && op.Inputs.Any(onCpu.Contains)) status = AfterCpu;
            verdicts.Add(new StandInVerdict(name, status));
            if (status == Mapped)
            {
                foreach (var t in op.Inputs.Select(m.Tensor).Where(t => t is not null && m.IsConstant(t)))
                    constants[t!.Buffer] = Bytes(t);
            }
            else if (!floatInputQuantize)
            {
                onCpu.UnionWith(op.Outputs);
            }
        }

        return (verdicts, constants.Values.Sum());
    }

    private static long Bytes(StandInTensor t) =>
        t.Shape.Aggregate(1L, (a, d) => a * d) * t.Type switch
        {
            StandInModel.Int8 or StandInModel.UInt8 => 1,
            StandInModel.Int16 or StandInModel.Float16 => 2,
            StandInModel.Int32 or StandInModel.Float32 => 4,
            StandInModel.Int64 => 8,
            _ => throw new InvalidDataException($"constant tensor '{t.Name}' has type {t.Type}, which the stand-in does not size"),
        };

    private static string OwnStatus(StandInModel m, StandInOperator op, string name)
    {
        if (name == "DEQUANTIZE") return DataType;
        if (!StandInOperatorTable.Supported.Contains(name)) return NotSupported;
        var inputs = op.Inputs.Select(m.Tensor).ToArray();
        var outputs = op.Outputs.Select(m.Tensor).Where(t => t is not null).Select(t => t!).ToArray();
        foreach (var t in inputs.Concat(outputs).Where(t => t is not null).Select(t => t!))
        {
            if (m.IsConstant(t))
            {
                if (t.Type is StandInModel.Float32 or StandInModel.Float16) return DataType;
                continue;
            }

            bool eightBit = t.Type is StandInModel.Int8 or StandInModel.UInt8;
            bool lstmCellState = name == "UNIDIRECTIONAL_SEQUENCE_LSTM" && t.Type == StandInModel.Int16;
            if (!eightBit && !lstmCellState) return DataType;
            if (t.Shape.Any(d => d < 1)) return Limitation;
            if (t.Shape.SkipLast(3).Any(d => d > 1)) return Limitation;
        }

        var x = inputs.FirstOrDefault();
        var y = outputs.FirstOrDefault();
        return Limited(m, op, name, inputs, x, y) ? Limitation : Mapped;
    }

    /// <summary>The "known limitations" column, for the operations that have one.</summary>
    private static bool Limited(StandInModel m, StandInOperator op, string name, StandInTensor?[] inputs, StandInTensor? x, StandInTensor? y)
    {
        var options = op.Options;
        switch (name)
        {
            case "AVERAGE_POOL_2D" or "MAX_POOL_2D":
                return options?.Byte(5) is > 0; // Pool2DOptions.fused_activation_function
            case "CONCATENATION":
                if (options?.Byte(1) is > 0) return true; // ConcatenationOptions.fused_activation_function
                var constant = inputs.Where(t => t is not null && m.IsConstant(t)).ToList();
                return constant.Count > 0 && (inputs.Length != 2 || constant.Any(t => m.Buffers[t!.Buffer].Any(b => b != 0)));
            case "CONV_2D":
                return UnequalDilation(options?.Int(5, 1) ?? 1, options?.Int(4, 1) ?? 1, inputs);
            case "DEPTHWISE_CONV_2D":
                return UnequalDilation(options?.Int(6, 1) ?? 1, options?.Int(5, 1) ?? 1, inputs);
            case "FULLY_CONNECTED":
                return y is not null && y.Shape.Count(d => d > 1) > 1;
            case "SOFTMAX":
                return x is not null && (x.Shape.Count(d => d > 1) > 1 || x.Shape.Aggregate(1L, (a, d) => a * d) > StandInOperatorTable.SoftmaxLimit);
            case "MEAN" or "SUM":
                return x is not null && ConstantInts(m, inputs, 1).Select(a => a < 0 ? a + x.Shape.Length : a).Any(a => !SpatialAxes(x.Shape.Length).Contains(a));
            case "REDUCE_MAX" or "REDUCE_MIN":
                return x is { Shape.Length: 4 } && ConstantInts(m, inputs, 1).Select(a => a < 0 ? a + 4 : a).Contains(0);
            case "PAD":
                if (x is null) return false;
                var pads = ConstantInts(m, inputs, 1);
                return Enumerable.Range(0, pads.Length / 2).Any(d => !SpatialAxes(x.Shape.Length).Contains(d) && (pads[2 * d] != 0 || pads[2 * d + 1] != 0));
            case "RESIZE_BILINEAR" or "RESIZE_NEAREST_NEIGHBOR":
                // "Depending on input/output size ... may not be mapped": the real compiler left a 1x1 → 33x33 resize on the CPU (DeepLabV3).
                return x is { Shape: [_, 1, 1, _] } && y is { Shape: [_, var h, var w, _] } && h * w > 1;
            default:
                return false;
        }
    }

    /// <summary>"Must use the same dilation in x and y", where the kernel (OHWI or 1HWC) reaches along both.</summary>
    private static bool UnequalDilation(int dilationY, int dilationX, StandInTensor?[] inputs) =>
        dilationY != dilationX && (inputs.Length < 2 || inputs[1] is not { Shape.Length: 4 } kernel || (kernel.Shape[1] > 1 && kernel.Shape[2] > 1));

    /// <summary>x and y of an NHWC tensor (of an HWC one when there is no batch).</summary>
    private static int[] SpatialAxes(int rank) => rank switch { 4 => [1, 2], 3 => [0, 1], _ => [] };

    private static int[] ConstantInts(StandInModel m, StandInTensor?[] inputs, int index)
    {
        if (index >= inputs.Length || inputs[index] is not { } t || !m.IsConstant(t)) return [];
        var data = m.Buffers[t.Buffer].AsSpan();
        return t.Type switch
        {
            StandInModel.Int32 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(data).ToArray(),
            StandInModel.Int64 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(data).ToArray().Select(v => (int)v).ToArray(),
            _ => [],
        };
    }
}

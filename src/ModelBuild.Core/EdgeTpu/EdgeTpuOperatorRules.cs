using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>Why an operation would not be mapped: ModelBuild's explanation and the compiler's status words for it.</summary>
public sealed record EdgeTpuRuleViolation(string CompilerStatus, string Detail);

/// <summary>
/// Per-operator Edge TPU requirements, from Coral's "TensorFlow models on the Edge TPU" page (supported operations
/// table and its "known limitations" column) plus the general rules above that table. See docs/EDGETPU.md.
/// </summary>
public static class EdgeTpuOperatorRules
{
    public const string UnsupportedDataType = "Operation is working on an unsupported data type";
    public const string NotSupported = "Operation not supported";
    public const string UnspecifiedLimitation = "Operation is otherwise supported, but not mapped due to some unspecified limitation";
    public const string MoreThanOneSubgraph = "More than one subgraph is not supported";

    /// <summary>
    /// The supported-operations table, with the highest operator version ModelBuild trusts compiler 16 to accept
    /// (the versions TFLite had defined when that compiler was released; higher versions are reported, not guessed).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, int> SupportedMaxVersion = new Dictionary<string, int>
    {
        ["ADD"] = 4,
        ["AVERAGE_POOL_2D"] = 3,
        ["CONCATENATION"] = 3,
        ["CONV_2D"] = 5,
        ["DEPTHWISE_CONV_2D"] = 6,
        ["EXPAND_DIMS"] = 1,
        ["FULLY_CONNECTED"] = 9,
        ["L2_NORMALIZATION"] = 2,
        ["LOGISTIC"] = 3,
        ["LSTM"] = 4,
        ["MAXIMUM"] = 4,
        ["MAX_POOL_2D"] = 3,
        ["MEAN"] = 3,
        ["MINIMUM"] = 4,
        ["MUL"] = 4,
        ["PACK"] = 3,
        ["PAD"] = 3,
        ["PRELU"] = 1,
        ["QUANTIZE"] = 2,
        ["REDUCE_MAX"] = 3,
        ["REDUCE_MIN"] = 3,
        ["RELU"] = 2,
        ["RELU6"] = 3,
        ["RELU_N1_TO_1"] = 1,
        ["RESHAPE"] = 1,
        ["RESIZE_BILINEAR"] = 3,
        ["RESIZE_NEAREST_NEIGHBOR"] = 3,
        ["RSQRT"] = 2,
        ["SLICE"] = 4,
        ["SOFTMAX"] = 3,
        ["SPACE_TO_DEPTH"] = 2,
        ["SPLIT"] = 4,
        ["SQUEEZE"] = 1,
        ["STRIDED_SLICE"] = 5,
        ["SUB"] = 5,
        ["SUM"] = 2,
        ["SQUARED_DIFFERENCE"] = 2,
        ["TANH"] = 3,
        ["TRANSPOSE"] = 5,
        ["TRANSPOSE_CONV"] = 3,
        // The table's "LSTM: unidirectional only" is the operator TFLite's Keras converter writes for a Keras LSTM layer.
        ["UNIDIRECTIONAL_SEQUENCE_LSTM"] = 3,
    };

    /// <summary>Softmax: "supports only 1-D input tensor with a max of 16,000 elements".</summary>
    public const int SoftmaxMaxElements = 16000;

    /// <summary>Null when the operation meets every documented requirement.</summary>
    public static EdgeTpuRuleViolation? Check(TfLiteFlatModel model, TfLiteFlatSubGraph sg, TfLiteFlatOperator op, TfLiteFlatOperatorCode code)
    {
        if (code.IsCustom) return new(NotSupported, $"custom operator '{code.CustomCode}' is not an Edge TPU operation");
        var name = TfLiteBuiltinNames.Name(code.BuiltinCode);
        if (IsInputQuantize(sg, op, code))
            return new(UnspecifiedLimitation, "QUANTIZE from the float model input runs on the CPU; the Edge TPU part starts at its 8-bit output");
        if (name == "DEQUANTIZE") return new(UnsupportedDataType, "DEQUANTIZE produces float32; the Edge TPU runs only 8-bit tensors");
        if (!SupportedMaxVersion.TryGetValue(name, out int maxVersion))
            return new(NotSupported, $"{name} is not in the Edge TPU's supported-operations table");
        if (code.Version > maxVersion)
            return new(NotSupported, $"{name} version {code.Version} is newer than the Edge TPU compiler accepts (at most {maxVersion})");

        TfLiteFlatTensor? T(int i) => i >= 0 && i < sg.Tensors.Count ? sg.Tensors[i] : null;
        var inputs = op.Inputs.Select(T).ToArray();
        var outputs = op.Outputs.Select(T).Where(t => t is not null).Select(t => t!).ToArray();

        foreach (var t in inputs.Concat(outputs))
        {
            if (t is null) continue;
            bool constant = EdgeTpuStaticCheck.IsConstant(model, t);
            if (constant)
            {
                // Weights are 8-bit; biases, shapes, axes and paddings are 32/64-bit integers. Float constants mean an unquantized op.
                if (t.Type is TfLiteFlatTensorType.Float32 or TfLiteFlatTensorType.Float16)
                    return new(UnsupportedDataType, $"constant '{t.Name}' is {t.Type}; the Edge TPU needs a fully 8-bit quantized model");
                continue;
            }

            // A quantized LSTM keeps its cell state in a 16-bit variable tensor.
            bool lstmState = name == "UNIDIRECTIONAL_SEQUENCE_LSTM" && t.Type == TfLiteFlatTensorType.Int16;
            if (t.Type is not (TfLiteFlatTensorType.Int8 or TfLiteFlatTensorType.UInt8) && !lstmState)
                return new(UnsupportedDataType, $"tensor '{t.Name}' is {t.Type}; the Edge TPU runs only int8/uint8 tensors");
            if (t.Shape.Any(d => d <= 0))
                return new(UnspecifiedLimitation, $"tensor '{t.Name}' has a dynamic shape [{string.Join(',', t.Shape)}]; the Edge TPU needs static shapes");
            if (t.Shape.Length > 3 && t.Shape.Take(t.Shape.Length - 3).Any(d => d != 1))
                return new(UnspecifiedLimitation,
                    $"tensor '{t.Name}' has shape [{string.Join(',', t.Shape)}]; only the 3 innermost dimensions may be larger than 1");
        }

        var input = inputs.FirstOrDefault();
        var output = outputs.FirstOrDefault();
        OpOptions? options = TfLiteOperatorCodes.TryGetOpType(code.BuiltinCode, out var opType)
            ? TfLiteOptionsCodec.Read(opType, op.Options, output?.Shape ?? [])
            : null;
        return name switch
        {
            "AVERAGE_POOL_2D" or "MAX_POOL_2D" when options is Pool2DOptions { Activation: not FusedActivation.None } p =>
                new(UnspecifiedLimitation, $"{name} with a fused {p.Activation} activation (pools support none)"),
            "CONCATENATION" when options is ConcatenationOptions { Activation: not FusedActivation.None } c =>
                new(UnspecifiedLimitation, $"CONCATENATION with a fused {c.Activation} activation"),
            "CONCATENATION" when ConstantConcatInputViolates(model, inputs) =>
                new(UnspecifiedLimitation, "CONCATENATION with a constant input must have exactly 2 inputs and the constant all zeros"),
            "CONV_2D" when options is Conv2DOptions c && c.DilationH != c.DilationW && KernelSpansXAndY(inputs) =>
                new(UnspecifiedLimitation, $"CONV_2D dilation {c.DilationH}x{c.DilationW} differs between x and y"),
            "DEPTHWISE_CONV_2D" when options is DepthwiseConv2DOptions d && d.DilationH != d.DilationW && KernelSpansXAndY(inputs) =>
                new(UnspecifiedLimitation, $"DEPTHWISE_CONV_2D dilation {d.DilationH}x{d.DilationW} differs between x and y"),
            "RESIZE_BILINEAR" or "RESIZE_NEAREST_NEIGHBOR" when input is not null && output is not null && BroadcastsOneByOne(input, output) =>
                new(UnspecifiedLimitation, $"{name} from a 1x1 input [{string.Join(',', input.Shape)}] to [{string.Join(',', output.Shape)}] (the compiler leaves such resizes to the CPU)"),
            "FULLY_CONNECTED" when output is not null && output.Shape.Count(d => d != 1) > 1 =>
                new(UnspecifiedLimitation, $"FULLY_CONNECTED output [{string.Join(',', output.Shape)}] is not one-dimensional"),
            "MEAN" or "SUM" when input is not null && ReducesOtherThanXY(model, inputs, input.Shape.Length) =>
                new(UnspecifiedLimitation, $"{name} reduces along dimensions other than x and y"),
            "REDUCE_MAX" or "REDUCE_MIN" when input is not null && ReducesBatch(model, inputs, input.Shape.Length) =>
                new(UnspecifiedLimitation, $"{name} reduces along the batch dimension"),
            "PAD" when input is not null && PadsOtherThanXY(model, inputs, input.Shape.Length) =>
                new(UnspecifiedLimitation, "PAD pads dimensions other than x and y"),
            "SOFTMAX" when input is not null && (input.Shape.Count(d => d != 1) > 1 || input.Shape.Aggregate(1L, (a, d) => a * d) > SoftmaxMaxElements) =>
                new(UnspecifiedLimitation, $"SOFTMAX input [{string.Join(',', input.Shape)}] is not 1-D with at most {SoftmaxMaxElements} elements"),
            _ => null,
        };
    }

    /// <summary>
    /// A QUANTIZE reading the float input of the model: the compiler leaves it to the CPU and maps what follows
    /// (the DEQUANTIZE to a float output is rejected by its data type and has nothing after it).
    /// </summary>
    public static bool IsInputQuantize(TfLiteFlatSubGraph sg, TfLiteFlatOperator op, TfLiteFlatOperatorCode? code) =>
        code is { IsCustom: false } && TfLiteBuiltinNames.Name(code.BuiltinCode) == "QUANTIZE" && op.Inputs.Length > 0
        && op.Inputs[0] >= 0 && op.Inputs[0] < sg.Tensors.Count && sg.Inputs.Contains(op.Inputs[0])
        && sg.Tensors[op.Inputs[0]].Type is TfLiteFlatTensorType.Float32 or TfLiteFlatTensorType.Float16;

    /// <summary>
    /// Unequal x/y dilation only matters when the kernel extends along both: a 3x1 kernel dilated 2x1 is a 3x1 kernel
    /// dilated 2x2 (the real compiler maps such TCN convolutions, shared pair S06).
    /// </summary>
    private static bool KernelSpansXAndY(TfLiteFlatTensor?[] inputs) =>
        inputs.Length < 2 || inputs[1] is not { Shape.Length: 4 } k || (k.Shape[1] > 1 && k.Shape[2] > 1);

    /// <summary>
    /// Coral: resizes "may not be mapped ... to avoid loss in precision", depending on sizes, without the limits. The one
    /// limit observed on a real compilation (shared pair S11, DeepLabV3): a 1x1 input spread over a larger x/y stays on the CPU.
    /// </summary>
    private static bool BroadcastsOneByOne(TfLiteFlatTensor input, TfLiteFlatTensor output) =>
        input.Shape.Length == 4 && output.Shape.Length == 4 && input.Shape[1] == 1 && input.Shape[2] == 1 && output.Shape[1] * output.Shape[2] > 1;

    private static bool ConstantConcatInputViolates(TfLiteFlatModel model, TfLiteFlatTensor?[] inputs)
    {
        var constants = inputs.Where(t => t is not null && EdgeTpuStaticCheck.IsConstant(model, t)).ToList();
        if (constants.Count == 0) return false;
        return inputs.Length != 2 || constants.Any(t => model.Buffers[(int)t!.Buffer].AsSpan().ContainsAnyExcept((byte)0));
    }

    /// <summary>NHWC: x and y are dimensions 1 and 2 of a 4-D tensor (0 and 1 of a 3-D one).</summary>
    private static int[] XYAxes(int rank) => rank == 4 ? [1, 2] : rank == 3 ? [0, 1] : [];

    private static int[] Axes(TfLiteFlatModel model, TfLiteFlatTensor?[] inputs, int rank) =>
        inputs.Length > 1 && inputs[1] is { } a ? EdgeTpuStaticCheck.ConstantInts(model, a).Select(x => x < 0 ? x + rank : x).ToArray() : [];

    private static bool ReducesOtherThanXY(TfLiteFlatModel model, TfLiteFlatTensor?[] inputs, int rank) =>
        Axes(model, inputs, rank).Any(a => !XYAxes(rank).Contains(a));

    private static bool ReducesBatch(TfLiteFlatModel model, TfLiteFlatTensor?[] inputs, int rank) =>
        rank == 4 && Axes(model, inputs, rank).Contains(0);

    private static bool PadsOtherThanXY(TfLiteFlatModel model, TfLiteFlatTensor?[] inputs, int rank)
    {
        if (inputs.Length < 2 || inputs[1] is not { } p) return false;
        var pads = EdgeTpuStaticCheck.ConstantInts(model, p);
        var xy = XYAxes(rank);
        for (int d = 0; d < pads.Length / 2; d++)
            if (!xy.Contains(d) && (pads[2 * d] != 0 || pads[2 * d + 1] != 0)) return true;
        return false;
    }
}

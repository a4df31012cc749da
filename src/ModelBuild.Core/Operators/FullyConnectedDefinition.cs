using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>FULLY_CONNECTED: inputs x, weights [out, in], bias [out] (optional); weights per tensor.</summary>
internal sealed class FullyConnectedDefinition : OperatorDefinition
{
    public override OpType Op => OpType.FullyConnected;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.FullyConnected;

    public override QuantizationRule Quantization => QuantizationRule.Weights(perChannelDim: null);

    public override int[] InferOutputShape(Node node)
    {
        var x = node.Inputs[0]!;
        var w = node.Inputs[1]!.Shape;
        return (node.Options as FullyConnectedOptions)?.KeepNumDims == true
            ? [.. x.Shape[..^1], w[0]]
            : [(int)(x.ElementCount / w[1]), w[0]];
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var o = node.OptionsAs<FullyConnectedOptions>();
        var w = node.Inputs[1]!;
        var kernel = new FullyConnectedKernel(w.FloatData, node.OptionalInput(2)?.FloatData, w.Shape[0], w.Shape[1], o.Activation);
        int inner = w.Shape[1];
        return (x, y) => kernel.Run(x.In(0), x.In(0).Length / inner, y);
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8FullyConnectedKernel(node);

    public override int Version(Node node)
    {
        // The writer always passes three inputs (a missing bias as -1), which keeps it below version 6.
        if (node.OptionsAs<FullyConnectedOptions>().KeepNumDims) return 5;
        return IsFullyInt8(node) ? 4 : 1;
    }

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 4 => "1.14.0", 5 => "2.0.0", _ => "" };

    /// <summary>Two inputs would need version 6, so a missing bias is an explicit -1.</summary>
    public override IReadOnlyList<Tensor?> TfLiteInputs(Node node) => node.Inputs.Count == 2 ? [.. node.Inputs, null] : node.Inputs;

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = node.Options as FullyConnectedOptions ?? new FullyConnectedOptions();
        b.StartTable(S.FullyConnectedOptions.FieldCount);
        b.AddSbyte(S.FullyConnectedOptions.FusedActivation, ActivationCode(o.Activation), 0);
        b.AddBool(S.FullyConnectedOptions.KeepNumDims, o.KeepNumDims, false);
        return (TfLiteBuiltinOptionsType.FullyConnectedOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new FullyConnectedOptions(ToActivation(t.Byte(S.FullyConnectedOptions.FusedActivation)), t.Bool(S.FullyConnectedOptions.KeepNumDims));
}

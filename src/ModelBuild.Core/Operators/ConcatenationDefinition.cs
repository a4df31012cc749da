using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>CONCATENATION: inputs x0..xn joined along the axis; inputs and output share int8 parameters.</summary>
internal sealed class ConcatenationDefinition : OperatorDefinition
{
    public override OpType Op => OpType.Concatenation;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Concatenation;

    public override QuantizationRule Quantization => QuantizationRule.SameAsAllInputs;

    public override int[] InferOutputShape(Node node)
    {
        var first = node.Inputs[0]!.Shape;
        int axis = node.OptionsAs<ConcatenationOptions>().Axis;
        if (axis < 0) axis += first.Length;
        var s = (int[])first.Clone();
        s[axis] = node.Inputs.Sum(t => t!.Shape[axis]);
        return s;
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var o = node.OptionsAs<ConcatenationOptions>();
        return (x, y) =>
        {
            LayoutKernels.Concat(node.Inputs.Select((_, i) => (x.In(i), x.Shape(i))).ToList(), o.Axis, y);
            Activations.Clamp(y, o.Activation);
        };
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8ConcatKernel(node);

    public override int Version(Node node) => Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 2 => "1.14.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = node.OptionsAs<ConcatenationOptions>();
        b.StartTable(S.ConcatenationOptions.FieldCount);
        b.AddInt(S.ConcatenationOptions.Axis, o.Axis, 0);
        b.AddSbyte(S.ConcatenationOptions.FusedActivation, ActivationCode(o.Activation), 0);
        return (TfLiteBuiltinOptionsType.ConcatenationOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new ConcatenationOptions(t.Int(S.ConcatenationOptions.Axis, 0), ToActivation(t.Byte(S.ConcatenationOptions.FusedActivation)));
}

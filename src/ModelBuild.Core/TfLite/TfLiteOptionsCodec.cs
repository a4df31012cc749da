using Google.FlatBuffers;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.TfLite;

/// <summary>
/// A node's <see cref="OpOptions"/> as TFLite's builtin option table and back: each operator definition codes its
/// own table; the encodings they share (padding, fused activation, empty tables, int vectors) are here.
/// </summary>
internal static class TfLiteOptionsCodec
{
    /// <summary>Builds the option table of a node; returns its union type and offset (None/0 for ops without options).</summary>
    public static (TfLiteBuiltinOptionsType Type, int Offset) Write(FlatBufferBuilder b, Node node) => OperatorRegistry.For(node).WriteOptions(b, node);

    /// <summary>Reads the option table of an operator back into the IR's options for <paramref name="op"/>.</summary>
    public static OpOptions? Read(OpType op, Table? t, int[] outputShape) => OperatorRegistry.For(op).ReadOptions(new TfLiteOptionsTable(t), outputShape);

    public static int IntVector(FlatBufferBuilder b, int[] values)
    {
        b.StartVector(sizeof(int), values.Length, sizeof(int));
        for (int i = values.Length - 1; i >= 0; i--) b.AddInt(values[i]);
        return b.EndVector().Value;
    }

    /// <summary>The ADD/SUB/MUL table: a fused activation only.</summary>
    public static int ActivationOnly(FlatBufferBuilder b, Node node)
    {
        var act = (node.Options as ElementwiseOptions)?.Activation ?? FusedActivation.None;
        b.StartTable(S.ActivationOnlyOptions.FieldCount);
        b.AddSbyte(S.ActivationOnlyOptions.FusedActivation, ActivationCode(act), 0);
        return b.EndTable();
    }

    public static int Empty(FlatBufferBuilder b)
    {
        b.StartTable(0);
        return b.EndTable();
    }

    // schema.fbs: enum Padding { SAME, VALID }; enum ActivationFunctionType { NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT }.
    public static sbyte PaddingCode(Padding p) => p == Padding.Same ? (sbyte)0 : (sbyte)1;

    public static Padding ToPadding(sbyte v) => v == 0 ? Padding.Same : Padding.Valid;

    public static sbyte ActivationCode(FusedActivation a) => a switch
    {
        FusedActivation.None => 0,
        FusedActivation.Relu => 1,
        FusedActivation.ReluN1To1 => 2,
        FusedActivation.Relu6 => 3,
        _ => throw new NotSupportedException($"Fused activation {a} has no TFLite code."),
    };

    public static FusedActivation ToActivation(sbyte v) => v switch
    {
        0 => FusedActivation.None,
        1 => FusedActivation.Relu,
        2 => FusedActivation.ReluN1To1,
        3 => FusedActivation.Relu6,
        _ => throw new InvalidDataException($"Fused activation code {v} (TANH/SIGN_BIT) is not supported by ModelBuild's IR."),
    };
}

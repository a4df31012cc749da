using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.TfLite;

/// <summary>The one-to-one map between the IR's <see cref="OpType"/> and TFLite builtin operators, from the operator definitions.</summary>
public static class TfLiteOperatorCodes
{
    public static TfLiteBuiltinOperator Builtin(OpType op) => OperatorRegistry.For(op).Builtin;

    public static bool TryGetOpType(int builtinCode, out OpType op)
    {
        bool found = OperatorRegistry.TryGet((TfLiteBuiltinOperator)builtinCode, out var d);
        op = found ? d.Op : default;
        return found;
    }
}

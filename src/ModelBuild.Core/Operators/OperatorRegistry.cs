using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Operators;

/// <summary>Every <see cref="OperatorDefinition"/> of this assembly, by IR op and by TFLite builtin code.</summary>
internal static class OperatorRegistry
{
    public static readonly IReadOnlyList<OperatorDefinition> All = typeof(OperatorDefinition).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsClass: true } && t.IsSubclassOf(typeof(OperatorDefinition)))
        .Select(t => (OperatorDefinition)Activator.CreateInstance(t)!)
        .OrderBy(d => d.Op)
        .ToList();

    private static readonly Dictionary<OpType, OperatorDefinition> ByOp = All.ToDictionary(d => d.Op);
    private static readonly Dictionary<TfLiteBuiltinOperator, OperatorDefinition> ByBuiltin = All.ToDictionary(d => d.Builtin);

    public static OperatorDefinition For(OpType op) =>
        ByOp.TryGetValue(op, out var d) ? d : throw new NotSupportedException($"Op {op} has no operator definition.");

    public static OperatorDefinition For(Node node) => For(node.Op);

    public static bool TryGet(TfLiteBuiltinOperator builtin, out OperatorDefinition definition) => ByBuiltin.TryGetValue(builtin, out definition!);
}

using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.TfLite;

/// <summary>
/// Operator versions, from the operator definitions (each follows TFLite's op_version.cc and runtime_version.cc for
/// its op). Edge TPU compilers bundle an old TFLite and reject newer versions, so a definition never goes higher.
/// </summary>
public static class TfLiteOperatorVersions
{
    public static int Version(Node node) => OperatorRegistry.For(node).Version(node);

    /// <summary>The TFLite release that first ran this operator version; "" when unknown.</summary>
    public static string MinRuntimeVersion(TfLiteBuiltinOperator op, int version) =>
        OperatorRegistry.TryGet(op, out var d) ? d.MinRuntimeVersion(version) : "";

    /// <summary>runtime_version.cc's CompareRuntimeVersion: numeric, dot-separated; "" is lowest.</summary>
    public static int CompareRuntimeVersions(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0) return a.Length.CompareTo(b.Length);
        var x = a.Split('.').Select(int.Parse).ToArray();
        var y = b.Split('.').Select(int.Parse).ToArray();
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
            if (x[i] != y[i]) return x[i].CompareTo(y[i]);
        return x.Length.CompareTo(y.Length);
    }
}

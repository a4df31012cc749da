using System.Globalization;
using System.Runtime.InteropServices;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>
/// ModelBuild's own Edge TPU compatibility check, always on and needing no compiler. Each operator is held against
/// Coral's documented requirements ("TensorFlow models on the Edge TPU": supported operations and their known
/// limitations; 8-bit quantized tensors; static shapes; only the 3 innermost dimensions of a tensor may exceed 1)
/// and the operator versions <see cref="EdgeTpuOperatorRules"/> lists; constant parameters of the mapped part are
/// summed against the ~8 MiB on-chip cache. docs/EDGETPU.md gives each rule and its source.
/// </summary>
public static class EdgeTpuStaticCheck
{
    public const string EdgeTpuCustomOp = "edgetpu-custom-op";

    /// <summary>On-chip SRAM of an Edge TPU for caching parameters.</summary>
    public const long OnChipCapacityBytes = 8L * 1024 * 1024;

    /// <summary>Above this the compiler's padding and instruction overhead commonly pushes parameters off-chip.</summary>
    public const long TightThresholdBytes = 7L * 1024 * 1024;

    public static EdgeTpuStaticCheckResult CheckFile(string path) => Check(TfLiteFlatModel.ReadFile(path), Path.GetFileName(path));

    /// <summary>Checks an IR graph as ModelBuild would write it (the check runs on the serialized operators).</summary>
    public static EdgeTpuStaticCheckResult Check(ModelGraph graph) => Check(TfLiteFlatModel.Read(TfLiteWriter.Write(graph)), graph.Name);

    public static EdgeTpuStaticCheckResult Check(TfLiteFlatModel model, string name)
    {
        if (model.Subgraphs.Count == 0) return new EdgeTpuStaticCheckResult { Model = name, OnChipCapacityBytes = OnChipCapacityBytes };
        var sg = model.Subgraphs[0];
        var findings = new List<EdgeTpuOpFinding>();
        int customOps = 0, supported = 0, onTpu = 0;
        var parameterBuffers = new HashSet<uint>();
        // Tensors produced on the CPU: an operation reading one follows a rejected operation on its path, so stays there too.
        var cpuTensors = new HashSet<int>();
        var table = new List<(string Operator, string Status, int Count)>();
        void Count(string opName, string status)
        {
            int at = table.FindIndex(r => r.Operator == opName && r.Status == status);
            if (at < 0) table.Add((opName, status, 1));
            else table[at] = table[at] with { Count = table[at].Count + 1 };
        }

        for (int i = 0; i < sg.Operators.Count; i++)
        {
            var op = sg.Operators[i];
            var code = op.OpcodeIndex < model.OperatorCodes.Count ? model.OperatorCodes[(int)op.OpcodeIndex] : null;
            string opName = OperatorName(code);
            string output = op.Outputs.Length > 0 && op.Outputs[0] >= 0 && op.Outputs[0] < sg.Tensors.Count ? sg.Tensors[op.Outputs[0]].Name : "";
            if (code is { IsCustom: true } && code.CustomCode == EdgeTpuCustomOp)
            {
                customOps++;
                continue;
            }

            var reason = code is null ? new EdgeTpuRuleViolation(EdgeTpuOperatorRules.NotSupported, "operator code index out of range") : EdgeTpuOperatorRules.Check(model, sg, op, code);
            bool followsCpu = op.Inputs.Any(cpuTensors.Contains);
            if (reason is null) supported++;
            if (reason is null && !followsCpu)
            {
                onTpu++;
                Count(opName, EdgeTpuOperatorRow.MappedStatus);
                foreach (var t in op.Inputs)
                    if (t >= 0 && t < sg.Tensors.Count && IsConstant(model, sg.Tensors[t])) parameterBuffers.Add(sg.Tensors[t].Buffer);
                continue;
            }

            reason ??= new EdgeTpuRuleViolation(EdgeTpuOperatorRules.MoreThanOneSubgraph, EdgeTpuOperatorRules.MoreThanOneSubgraph);
            findings.Add(new EdgeTpuOpFinding(i, opName, output, reason.Detail, reason.CompilerStatus));
            Count(opName, reason.CompilerStatus);
            // A QUANTIZE from the float model input runs on the CPU in front of the Edge TPU part; what reads it still maps.
            if (!EdgeTpuOperatorRules.IsInputQuantize(sg, op, code))
                foreach (var t in op.Outputs) cpuTensors.Add(t);
        }

        int total = sg.Operators.Count;
        bool compiled = customOps > 0;
        long parameters = compiled ? 0 : parameterBuffers.Sum(b => (long)model.Buffers[(int)b].Count);
        return new EdgeTpuStaticCheckResult
        {
            Model = name,
            Compiled = compiled,
            EdgeTpuCustomOps = customOps,
            Operations = total,
            OperationsSupported = supported,
            OperationsOnEdgeTpu = compiled ? customOps : onTpu,
            OperationsOnCpu = total - customOps - (compiled ? 0 : onTpu),
            ParameterBytes = parameters,
            OnChipCapacityBytes = OnChipCapacityBytes,
            OnChipFit = parameters > OnChipCapacityBytes ? EdgeTpuCheckEntry.Exceeds : parameters > TightThresholdBytes ? EdgeTpuCheckEntry.Tight : EdgeTpuCheckEntry.Fits,
            Findings = findings,
            Operators = table.Select(r => new EdgeTpuOperatorRow(r.Operator, r.Count, r.Status)).ToList(),
        };
    }

    /// <summary>Warnings for what would not run on the Edge TPU (MB4020) or not fit on-chip (MB4021).</summary>
    /// <param name="file">The file the warnings name: the KerasModel's .h5 in a build; null names the model itself.</param>
    /// <param name="alsoIn">Other models holding the same operations (the tails that contain a segment), named in MB4020.</param>
    public static void Report(EdgeTpuStaticCheckResult result, IBuildLog log, string? file = null, IReadOnlyCollection<string>? alsoIn = null)
    {
        if (result.Compiled) return;
        var c = CultureInfo.InvariantCulture;
        if (result.OperationsOnCpu > 0)
        {
            var causes = result.Causes.ToList();
            var shown = causes.Take(5).Select(f => string.Create(c, $"{f.Operator} '{f.Output}' (operation {f.Index + 1}): {f.Reason}"));
            var more = causes.Count > 5 ? string.Create(c, $"; and {causes.Count - 5} more") : "";
            int following = result.OperationsOnCpu - causes.Count;
            log.Warning(EdgeTpuCodes.StaticCheckCpuFallback, file ?? result.Model, string.Create(c,
                $"{result.Model}: {result.OperationsOnCpu} of {result.Operations} operations would run on the CPU instead of the Edge TPU (ModelBuild's own check, without the compiler): " +
                $"{string.Join("; ", shown)}{more}.") +
                (following > 0 ? string.Create(c, $" The {following} operation(s) that follow those on their path run on the CPU too (the compiler leaves everything after an operation it cannot map there).") : "") +
                (alsoIn is { Count: > 0 } ? $" The same operations are in {string.Join(", ", alsoIn)}." : "") +
                " Replace those layers with ones the Edge TPU runs (docs/EDGETPU.md lists the rules), or accept the CPU fallback.");
        }

        if (result.OnChipFit == EdgeTpuCheckEntry.Exceeds)
            log.Warning(EdgeTpuCodes.StaticCheckOffChip, file ?? result.Model, string.Create(c,
                $"{result.Model}: about {result.ParameterMiB:0.00} MiB ({result.ParameterBytes} bytes) of parameters would run on the Edge TPU, more than its " +
                $"{OnChipCapacityBytes / (1024 * 1024)} MiB on-chip cache (ModelBuild's own estimate); the excess streams from host memory on every inference. Lower BudgetMiB."));
    }

    /// <summary>The compiler's name for an operator: the TFLite builtin name, or the custom operator's own name.</summary>
    public static string OperatorName(TfLiteFlatOperatorCode? code) =>
        code is null ? "UNKNOWN" : code.IsCustom ? code.CustomCode ?? "CUSTOM" : TfLiteBuiltinNames.Name(code.BuiltinCode);

    /// <summary>A tensor with data in a non-empty buffer (weights, biases, shapes).</summary>
    public static bool IsConstant(TfLiteFlatModel model, TfLiteFlatTensor t) =>
        t.Buffer != 0 && t.Buffer < model.Buffers.Count && model.Buffers[(int)t.Buffer].Count > 0;

    internal static int[] ConstantInts(TfLiteFlatModel model, TfLiteFlatTensor t) =>
        IsConstant(model, t) && t.Type == TfLiteFlatTensorType.Int32 ? MemoryMarshal.Cast<byte, int>(model.Buffers[(int)t.Buffer].AsSpan()).ToArray()
        : IsConstant(model, t) && t.Type == TfLiteFlatTensorType.Int64 ? MemoryMarshal.Cast<byte, long>(model.Buffers[(int)t.Buffer].AsSpan()).ToArray().Select(v => (int)v).ToArray()
        : [];
}

using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Quantization;

/// <summary>
/// Decides the (scale, zero point) of every runtime tensor. Ops whose int8 kernels cannot rescale (their
/// <see cref="QuantizationRule"/> ties inputs to the output) form one group that shares parameters, computed from the
/// union of the group's calibrated ranges; ops with a fixed output (SOFTMAX, LOGISTIC, TANH) give their group those.
/// A tensor read only by a MINIMUM with a constant (a clip) adds nothing to that union: what the clip keeps of it is in
/// the clip's own range, and int8 saturation above that range is what the clip does anyway. A SOFTMAX input's group is
/// widened by the given margin (the top logit of the next input is often beyond the calibrated maximum).
/// </summary>
internal sealed class ActivationParamSolver
{
    private readonly Dictionary<Tensor, Tensor> parent = new(ReferenceEqualityComparer.Instance);

    public static Dictionary<Tensor, QuantParams> Solve(ModelGraph graph, CalibrationResult ranges, float softmaxInputMargin = 1) =>
        new ActivationParamSolver().Run(graph, ranges, softmaxInputMargin);

    private Dictionary<Tensor, QuantParams> Run(ModelGraph graph, CalibrationResult ranges, float softmaxInputMargin)
    {
        var runtime = graph.Tensors.Where(t => !t.IsConstant).ToList();
        foreach (var t in runtime) parent[t] = t;
        var fixedParams = new Dictionary<Tensor, QuantParams>(ReferenceEqualityComparer.Instance);
        var producers = graph.Producers();

        foreach (var n in graph.Nodes)
        {
            var ins = n.Inputs.Where(t => t is { IsConstant: false }).Select(t => t!).ToList();
            var rule = OperatorRegistry.For(n).Quantization;
            if (rule is null) continue;
            if (rule.Tie == ActivationTie.FirstInput) Union(ins[0], n.Outputs[0]);
            if (rule.Tie == ActivationTie.AllInputs)
                foreach (var t in ins) Union(t, n.Outputs[0]);
            if (rule.FixedOutput is { } f) fixedParams[n.Outputs[0]] = QuantParams.PerTensor(f.Scale, f.ZeroPoint);
        }

        var groups = runtime.GroupBy(Find, ReferenceEqualityComparer.Instance).ToList();
        var consumers = graph.Consumers();
        bool Clipped(Tensor t) =>
            !graph.Outputs.Contains(t) && consumers.TryGetValue(t, out var readers) && readers is [{ Op: OpType.Minimum } clip]
            && ReferenceEquals(clip.Inputs[0], t) && clip.Inputs[1] is { IsConstant: true };
        bool ReadBySoftmax(Tensor t) => consumers.TryGetValue(t, out var readers) && readers.Any(r => r.Op == OpType.Softmax);
        var result = new Dictionary<Tensor, QuantParams>(ReferenceEqualityComparer.Instance);
        foreach (var group in groups)
        {
            var members = group.ToList();
            var fixedInGroup = members.Where(fixedParams.ContainsKey).Select(t => fixedParams[t]).Distinct(QuantParamsComparer.Instance).ToList();
            QuantParams p;
            if (fixedInGroup.Count > 1)
            {
                var names = string.Join(", ", members.Select(m => $"'{m.Name}'"));
                throw new ModelBuildException("MB3003", null,
                    $"tensors {names} must share quantization parameters (their ops cannot rescale) but two of them have different fixed parameters (SOFTMAX/LOGISTIC/TANH outputs); this model cannot be quantized to int8 as built.");
            }
            else if (fixedInGroup.Count == 1)
            {
                p = fixedInGroup[0];
            }
            else
            {
                float min = float.PositiveInfinity, max = float.NegativeInfinity;
                foreach (var t in members)
                {
                    if (Clipped(t)) continue;
                    if (!ranges.TryGetRange(t.Name, out var r))
                        throw new ModelBuildException("MB3001", null,
                            $"tensor '{t.Name}'{Describe(t, producers)} has no calibration range; calibrate the same float graph that is being quantized.");
                    if (!float.IsFinite(r.Min) || !float.IsFinite(r.Max))
                        throw new ModelBuildException("MB3004", null,
                            $"tensor '{t.Name}'{Describe(t, producers)} saw non-finite values ({r}) during calibration; check the calibration data and the model's weights.");
                    min = Math.Min(min, r.Min);
                    max = Math.Max(max, r.Max);
                }

                if (members.Any(ReadBySoftmax))
                {
                    min *= softmaxInputMargin;
                    max *= softmaxInputMargin;
                }

                p = QuantParamMath.Asymmetric(min, max);
            }

            foreach (var t in members) result[t] = p;
        }

        return result;
    }

    private static string Describe(Tensor t, Dictionary<Tensor, Node> producers) =>
        producers.TryGetValue(t, out var n) ? $" (output of layer '{n.SourceLayer ?? n.Name}' ({n.SourceClass ?? n.Op.ToString()}))" : " (model input)";

    private Tensor Find(Tensor t)
    {
        while (!ReferenceEquals(parent[t], t))
        {
            parent[t] = parent[parent[t]];
            t = parent[t];
        }

        return t;
    }

    private void Union(Tensor a, Tensor b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (!ReferenceEquals(ra, rb)) parent[rb] = ra;
    }

    private sealed class QuantParamsComparer : IEqualityComparer<QuantParams>
    {
        public static readonly QuantParamsComparer Instance = new();

        public bool Equals(QuantParams? x, QuantParams? y) =>
            x is not null && y is not null && x.Scale.SequenceEqual(y.Scale) && x.ZeroPoint.SequenceEqual(y.ZeroPoint);

        public int GetHashCode(QuantParams obj) => HashCode.Combine(obj.Scale[0], obj.ZeroPoint[0]);
    }
}

using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Quantization;

/// <summary>
/// Float graph + calibration ranges → int8 graph following TFLite's int8 quantization spec: int8 asymmetric
/// activations (int8 model input and output too), int8 symmetric weights in [-127, 127] with zero point 0
/// (per-channel on CONV_2D dim 0 and DEPTHWISE_CONV_2D dim 3 unless disabled; FULLY_CONNECTED per-tensor),
/// int32 biases with scale input_scale × weight_scale. Tensor and node names are kept.
/// </summary>
public static class Quantizer
{
    public static ModelGraph Quantize(ModelGraph floatGraph, CalibrationResult ranges, QuantizationOptions? options = null)
    {
        options ??= new QuantizationOptions();
        foreach (var n in floatGraph.Nodes)
        {
            if (OperatorRegistry.For(n).Quantization is null)
                throw new ModelBuildException("MB3002", null,
                    $"layer '{n.SourceLayer ?? n.Name}' ({n.SourceClass ?? n.Op.ToString()}) becomes {n.Op}, which has no int8 form here; supported ops: {string.Join(", ", OperatorRegistry.All.Where(d => d.Quantization is not null).Select(d => d.Op))}.");
            foreach (var t in n.Inputs.Concat(n.Outputs))
                if (t is { IsConstant: false, Type: not DataType.Float32 })
                    throw new ModelBuildException("MB3005", null,
                        $"tensor '{t.Name}' of layer '{n.SourceLayer ?? n.Name}' is {t.Type}; the quantizer takes a float graph.");
        }

        var activation = ActivationParamSolver.Solve(floatGraph, ranges, options.SoftmaxInputMargin);
        var builder = new Int8GraphBuilder(activation, options.PerChannel);
        var nodes = floatGraph.Nodes.Select(builder.Convert).ToList();
        return new ModelGraph(floatGraph.Name, floatGraph.Inputs.Select(builder.Runtime), floatGraph.Outputs.Select(builder.Runtime), nodes);
    }

    /// <summary>Maps float tensors to their int8 counterparts, quantizing constants by the role their consumer gives them.</summary>
    private sealed class Int8GraphBuilder(Dictionary<Tensor, QuantParams> activation, bool perChannel)
    {
        private readonly Dictionary<Tensor, Tensor> runtime = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<(Tensor, string), Tensor> constants = new();
        private readonly HashSet<string> constantNames = new(StringComparer.Ordinal);

        public Tensor Runtime(Tensor t)
        {
            if (!runtime.TryGetValue(t, out var q))
                runtime[t] = q = new Tensor(t.Name, (int[])t.Shape.Clone(), DataType.Int8) { Quant = activation[t] };
            return q;
        }

        public Node Convert(Node n)
        {
            var inputs = new List<Tensor?>(n.Inputs.Count);
            for (int i = 0; i < n.Inputs.Count; i++)
            {
                var t = n.Inputs[i];
                inputs.Add(t is null ? null : t.IsConstant ? Constant(n, i, t, inputs) : Runtime(t));
            }

            // TFLite 2.9's DEPTHWISE_CONV_2D needs its bias input (and the converter always gives one): add zeros.
            var rule = OperatorRegistry.For(n).Quantization!;
            if (rule.Weighted && (inputs.Count < 3 || inputs[2] is null))
            {
                var w = inputs[1]!;
                int channels = w.Shape[rule.WeightChannelDim ?? 0];
                var zero = new Tensor(n.Name + "/bias", [channels], DataType.Float32, new float[channels]);
                var bias = Cached(zero, "bias", () => WeightQuantizer.Bias(zero, Int8Scale(inputs[0]!), w.Quant!.Scale));
                if (inputs.Count < 3) inputs.Add(bias);
                else inputs[2] = bias;
            }

            return new Node(n.Name, n.Op, inputs, n.Outputs.Select(Runtime).ToList(), n.Options)
            {
                SourceLayer = n.SourceLayer,
                SourceClass = n.SourceClass,
            };
        }

        private Tensor Constant(Node n, int index, Tensor t, List<Tensor?> converted)
        {
            if (t.Type == DataType.Int32 || t.Type == DataType.Int64)
                return Cached(t, "int", () => new Tensor(t.Name, (int[])t.Shape.Clone(), t.Type, (Array)t.Data!.Clone()));
            if (t.Type != DataType.Float32)
                throw new ModelBuildException("MB3005", null, $"constant '{t.Name}' of layer '{n.SourceLayer ?? n.Name}' is {t.Type}; the quantizer takes a float graph.");

            var rule = OperatorRegistry.For(n).Quantization!;
            bool weightOp = rule.Weighted;
            if (weightOp && index == 1)
            {
                int? dim = perChannel ? rule.WeightChannelDim : null;
                return Cached(t, $"w{dim}", () => WeightQuantizer.Weights(t, dim));
            }

            if (weightOp && index == 2)
            {
                var input = converted[0] ?? throw new InvalidOperationException($"Node '{n.Name}' has no input.");
                var weights = converted[1] ?? throw new InvalidOperationException($"Node '{n.Name}' has no weights.");
                return Cached(t, "bias:" + input.Name + ":" + weights.Name, () => WeightQuantizer.Bias(t, Int8Scale(input), weights.Quant!.Scale));
            }

            // A constant operand of an element-wise op (e.g. a per-channel MUL/ADD left from an unfoldable
            // BatchNormalization): same-scale ops need the group's parameters, others get their own range.
            var other = n.Inputs.FirstOrDefault(x => x is { IsConstant: false });
            if (rule.Tie == ActivationTie.AllInputs && other is not null)
                return Cached(t, "shared", () => WeightQuantizer.Affine(t, activation[other]));
            return Cached(t, "own", () =>
            {
                var data = t.FloatData;
                return WeightQuantizer.Affine(t, QuantParamMath.Asymmetric(data.Length == 0 ? 0 : data.Min(), data.Length == 0 ? 0 : data.Max()));
            });
        }

        private static float Int8Scale(Tensor t) => t.Quant!.Scale[0];

        private Tensor Cached(Tensor t, string role, Func<Tensor> make)
        {
            if (constants.TryGetValue((t, role), out var q)) return q;
            q = make();
            // The same float constant quantized for two roles needs two names.
            if (!constantNames.Add(q.Name))
            {
                int k = 1;
                while (!constantNames.Add($"{t.Name}/{role}{k}")) k++;
                q.Name = $"{t.Name}/{role}{k}";
            }

            constants[(t, role)] = q;
            return q;
        }
    }
}

using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution;

/// <summary>
/// Runs a float IR graph in .NET with TFLite's float semantics; the calibration engine. Weights are packed
/// once at construction; activation buffers are reused across layers and runs. Not thread-safe: use one
/// executor per thread (each run already uses every core).
/// </summary>
public sealed class FloatExecutor
{
    private readonly ModelGraph _graph;
    private readonly Dictionary<Node, object> _kernels = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, int> _lastUse = new(ReferenceEqualityComparer.Instance);
    private readonly BufferPool _pool = new();

    public FloatExecutor(ModelGraph graph)
    {
        _graph = graph;
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var n = graph.Nodes[i];
            foreach (var t in n.Inputs)
                if (t is { IsConstant: false }) _lastUse[t] = i;
            var kernel = CreateKernel(n);
            if (kernel is not null) _kernels[n] = kernel;
        }
    }

    public ModelGraph Graph => _graph;

    /// <summary>Runs a single-input, single-output model on <paramref name="batch"/> samples laid out one after another.</summary>
    public float[] Run(float[] input, int batch = 1)
    {
        if (_graph.Inputs.Count != 1 || _graph.Outputs.Count != 1)
            throw new InvalidOperationException($"Model '{_graph.Name}' has {_graph.Inputs.Count} inputs and {_graph.Outputs.Count} outputs; use the dictionary overload.");
        return Run(new Dictionary<Tensor, float[]> { [_graph.Inputs[0]] = input }, batch)[_graph.Outputs[0]];
    }

    public IReadOnlyDictionary<Tensor, float[]> Run(IReadOnlyDictionary<Tensor, float[]> inputs, int batch = 1, ITensorObserver? observer = null)
    {
        var values = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
        foreach (var t in _graph.Inputs)
        {
            if (!inputs.TryGetValue(t, out var data)) throw new ArgumentException($"No value given for model input '{t.Name}'.");
            var expected = t.ElementCount / t.Shape[0] * batch;
            if (data.Length != expected)
                throw new ArgumentException($"Input '{t.Name}' needs {expected} values ({batch} × [{string.Join(", ", t.Shape.Skip(1))}]) but got {data.Length}.");
            values[t] = data;
            observer?.Observe(t, data, batch);
        }

        var owned = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _graph.Nodes.Count; i++)
        {
            var n = _graph.Nodes[i];
            var output = n.Outputs[0];
            var y = _pool.Rent((int)(output.ElementCount / output.Shape[0] * batch));
            owned.Add(y);
            Execute(n, values, y, batch);
            values[output] = y;
            observer?.Observe(output, y, batch);

            foreach (var t in n.Inputs)
                if (t is { IsConstant: false } && _lastUse[t] == i && !_graph.Outputs.Contains(t) && values.Remove(t, out var buf) && owned.Remove(buf))
                    _pool.Return(buf);
        }

        var result = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
        foreach (var t in _graph.Outputs)
        {
            var v = values[t];
            result[t] = owned.Contains(v) ? (float[])v.Clone() : v;
        }

        foreach (var buf in owned)
            if (values.Values.Contains(buf)) _pool.Return(buf);
        return result;
    }

    private static int[] WithBatch(int[] shape, int batch)
    {
        var s = (int[])shape.Clone();
        s[0] = batch;
        return s;
    }

    private static object? CreateKernel(Node n)
    {
        switch (n.Op)
        {
            case OpType.Conv2D:
            {
                var o = n.OptionsAs<Conv2DOptions>();
                var w = n.Inputs[1]!;
                return new Conv2DKernel(w.FloatData, (n.Inputs.Count > 2 ? n.Inputs[2] : null)?.FloatData, w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3],
                    o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.Padding, o.Activation);
            }

            case OpType.DepthwiseConv2D:
            {
                var o = n.OptionsAs<DepthwiseConv2DOptions>();
                var w = n.Inputs[1]!;
                var cin = n.Inputs[0]!.Shape[3];
                return new DepthwiseConv2DKernel(w.FloatData, (n.Inputs.Count > 2 ? n.Inputs[2] : null)?.FloatData, w.Shape[1], w.Shape[2], cin, w.Shape[3] / cin,
                    o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.Activation);
            }

            case OpType.FullyConnected:
            {
                var o = n.OptionsAs<FullyConnectedOptions>();
                var w = n.Inputs[1]!;
                return new FullyConnectedKernel(w.FloatData, (n.Inputs.Count > 2 ? n.Inputs[2] : null)?.FloatData, w.Shape[0], w.Shape[1], o.Activation);
            }

            default:
                return null;
        }
    }

    private void Execute(Node n, Dictionary<Tensor, float[]> values, float[] y, int batch)
    {
        float[] In(int i)
        {
            var t = n.Inputs[i]!;
            return t.IsConstant ? t.FloatData : values[t];
        }

        var x = n.Inputs[0]!;
        var xs = x.IsConstant ? x.Shape : WithBatch(x.Shape, batch);
        var ys = WithBatch(n.Outputs[0].Shape, batch);
        switch (n.Op)
        {
            case OpType.Conv2D:
                ((Conv2DKernel)_kernels[n]).Run(In(0), batch, xs[1], xs[2], y, ys[1], ys[2]);
                break;
            case OpType.DepthwiseConv2D:
                ((DepthwiseConv2DKernel)_kernels[n]).Run(In(0), batch, xs[1], xs[2], y, ys[1], ys[2]);
                break;
            case OpType.FullyConnected:
                var inner = n.Inputs[1]!.Shape[1];
                ((FullyConnectedKernel)_kernels[n]).Run(In(0), In(0).Length / inner, y);
                break;
            case OpType.Add or OpType.Sub or OpType.Mul or OpType.Maximum or OpType.Minimum:
                var b = n.Inputs[1]!;
                BinaryKernel.Run(n.Op, In(0), xs, In(1), b.IsConstant ? b.Shape : WithBatch(b.Shape, batch), y, ys,
                    (n.Options as ElementwiseOptions)?.Activation ?? FusedActivation.None);
                break;
            case OpType.Concatenation:
                var co = n.OptionsAs<ConcatenationOptions>();
                LayoutKernels.Concat(n.Inputs.Select((t, i) => (In(i), t!.IsConstant ? t.Shape : WithBatch(t.Shape, batch))).ToList(), co.Axis, y);
                Activations.Clamp(y, co.Activation);
                break;
            case OpType.Pad:
                LayoutKernels.Pad(In(0), xs, n.Inputs[1]!.Int32Data, y, ys);
                break;
            case OpType.MaxPool2D or OpType.AveragePool2D:
                PoolKernel.Run(n.Op == OpType.MaxPool2D, n.OptionsAs<Pool2DOptions>(), In(0), batch, xs[1], xs[2], xs[3], y, ys[1], ys[2]);
                break;
            case OpType.Mean or OpType.ReduceMax:
                PoolKernel.Reduce(n.Op == OpType.ReduceMax, In(0), xs, n.Inputs[1]!.Int32Data, y);
                break;
            case OpType.Reshape:
                Array.Copy(In(0), y, y.Length);
                break;
            case OpType.ResizeNearestNeighbor:
                var ro = n.Options as ResizeOptions ?? new ResizeOptions();
                LayoutKernels.ResizeNearest(In(0), batch, xs[1], xs[2], xs[3], y, ys[1], ys[2], ro.AlignCorners, ro.HalfPixelCenters);
                break;
            case OpType.Relu or OpType.Relu6 or OpType.ReluN1To1 or OpType.Logistic or OpType.Tanh or OpType.HardSwish or OpType.LeakyRelu or OpType.Softmax:
                UnaryKernel.Run(n, In(0), y, xs[^1]);
                break;
            default:
                throw new NotSupportedException($"FloatExecutor cannot run {n.Op} (node '{n.Name}').");
        }
    }
}

using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Adaptive rounding of per-tensor int8 weights (after Nagel et al. 2020, "Up or Down? Adaptive Rounding for
/// Post-Training Quantization"): each weight is rounded down or up, whichever makes the layer's output closer to the
/// float one on the calibration samples, instead of to the nearest level. For a weight row w with rounding error d
/// (q·scale − w) the expected squared output error is dᵀ·H·d, H the second moment of what the row multiplies
/// (<see cref="InputMoments"/>; centred, with the mean's share moved into the bias as bias correction does, except
/// for layers reading the model input, which bias correction leaves alone too). Starting from nearest rounding, a
/// greedy local search flips one weight to its other neighbouring level whenever that lowers dᵀ·H·d, sweeping the row
/// until nothing improves (at most <see cref="MaxSweeps"/> sweeps).
/// <para>
/// The weights are replaced by their chosen levels (q·scale, the scale the quantizer will derive again: the largest
/// |w| keeps its ±127), so quantizing them afterwards is exact and <see cref="BiasCorrection"/> finds nothing left to
/// correct in them. Per-tensor weights only: it keeps the tensor's scale, which per-channel quantization would not.
/// </para>
/// </summary>
public static class AdaptiveRounding
{
    private const int MaxSweeps = 8;

    /// <summary>
    /// Added to H's diagonal as a fraction of its mean diagonal: a few photos and their crops leave H ill-conditioned, and
    /// a search that trusts its near-null directions fits the samples, not the next input (docs/ACCURACY.md: 1-10 % measured).
    /// </summary>
    private const double Damping = 0.05;

    /// <summary>
    /// The per-tensor scales tried, as fractions of max |w| / 127: the one with the least Σ dᵀ·H·d over the rows (nearest
    /// rounding) is kept, so a layer whose few large weights squeeze every other row into a few levels may clip them.
    /// </summary>
    private static readonly float[] ScaleFactors = [1f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f];

    /// <summary>
    /// A copy of <paramref name="graph"/> whose weights with kept moments are replaced by their adaptively rounded levels.
    /// A layer seen at fewer positions than its row is long (a dense head: one per sample) keeps its weights: its H is
    /// rank-deficient and the rounding would fit the samples (measured: −3.5 dB on 01).
    /// </summary>
    public static ModelGraph Apply(ModelGraph graph, InputMoments moments)
    {
        var nodes = graph.Nodes.Select(n =>
        {
            var copy = new Node(n.Name, n.Op, n.Inputs, n.Outputs, n.Options) { SourceLayer = n.SourceLayer, SourceClass = n.SourceClass };
            if (BiasCorrection.IsCorrectable(n) && moments.Of(n.Name) is { } m && m.Count >= m.Row)
                Round(copy, m, centred: !graph.Inputs.Contains(n.Inputs[0]!));
            return copy;
        });
        return new ModelGraph(graph.Name, graph.Inputs, graph.Outputs, nodes);
    }

    private static void Round(Node n, LayerMoments m, bool centred)
    {
        var w = n.Inputs[1]!;
        var data = (float[])w.FloatData.Clone();
        if (data.Length == 0) return;
        float maxAbs = MathF.Abs(TensorPrimitives.MaxMagnitude(data));
        if (!(maxAbs > 0)) return;
        int pinned = Array.FindIndex(data, v => MathF.Abs(v) == maxAbs);
        bool depthwise = m.Groups > 1 || n.Op == OpType.DepthwiseConv2D;
        int rows = depthwise ? w.Shape[^1] : w.Shape[0];
        int row = m.Row;
        if (rows * row != data.Length) return;
        var shift = new double[rows];
        var h = new double[m.Groups][];
        var mean = new double[m.Groups][];
        for (int g = 0; g < m.Groups; g++) (h[g], mean[g]) = Hessian(m, g, centred);

        int At(int r, int k) => depthwise ? k * rows + r : r * row + k;
        float scale = ChooseScale(data, rows, row, At, maxAbs, r => h[depthwise ? r : 0]);

        CoreParallel.ForRanges(rows, (r0, r1) =>
        {
            var at = new int[row];
            for (int r = r0; r < r1; r++)
            {
                for (int k = 0; k < row; k++) at[k] = At(r, k);
                int g = depthwise ? r : 0;
                shift[r] = RoundRow(data, at, scale, pinned, h[g], mean[g]);
            }
        }, (long)row * row);

        n.Inputs[1] = new Tensor(w.Name, w.Shape, w.Type, data);
        if (!centred) return;
        var old = n.OptionalInput(2);
        var bias = old is null ? new float[rows] : (float[])old.FloatData.Clone();
        for (int r = 0; r < rows; r++) bias[r] -= (float)shift[r];
        var corrected = new Tensor(old?.Name ?? n.Name + "/bias", [rows], DataType.Float32, bias);
        if (n.Inputs.Count > 2) n.Inputs[2] = corrected;
        else n.Inputs.Add(corrected);
    }

    /// <summary>H = E[p·pᵀ] (minus E[p]·E[p]ᵀ when centred) plus the damping, and E[p].</summary>
    private static (double[] H, double[] Mean) Hessian(LayerMoments m, int group, bool centred)
    {
        int row = m.Row;
        var h = m.Second(group);
        var mean = m.Mean(group);
        if (centred)
            for (int i = 0; i < row; i++)
                for (int j = 0; j < row; j++) h[i * row + j] -= mean[i] * mean[j];
        double diagonal = 0;
        for (int i = 0; i < row; i++) diagonal += h[i * row + i];
        double damping = Damping * Math.Max(diagonal / row, 1e-12);
        for (int i = 0; i < row; i++) h[i * row + i] += damping;
        return (h, mean);
    }

    /// <summary>The candidate scale (<see cref="ScaleFactors"/>) whose nearest rounding has the least Σ dᵀ·H·d over the rows.</summary>
    private static float ChooseScale(float[] data, int rows, int row, Func<int, int, int> at, float maxAbs, Func<int, double[]> h)
    {
        double best = double.PositiveInfinity;
        float chosen = QuantParamMath.SymmetricScale(maxAbs);
        foreach (var f in ScaleFactors)
        {
            float candidate = QuantParamMath.SymmetricScale(maxAbs * f);
            var errors = new double[rows];
            CoreParallel.ForRanges(rows, (r0, r1) =>
            {
                var index = new int[row];
                for (int r = r0; r < r1; r++)
                {
                    for (int k = 0; k < row; k++) index[k] = at(r, k);
                    errors[r] = RowError(data, index, candidate, h(r));
                }
            }, (long)row * row);
            double total = errors.Sum();
            if (total < best) (best, chosen) = (total, candidate);
        }

        return chosen;
    }

    /// <summary>dᵀ·H·d of nearest rounding at <paramref name="scale"/>.</summary>
    private static double RowError(float[] data, int[] at, float scale, double[] h)
    {
        int row = at.Length;
        var d = new double[row];
        for (int k = 0; k < row; k++) d[k] = QuantParamMath.QuantizeSymmetric(data[at[k]], scale) * (double)scale - data[at[k]];
        double e = 0;
        for (int i = 0; i < row; i++)
        {
            double s = 0;
            for (int j = 0; j < row; j++) s += h[i * row + j] * d[j];
            e += s * d[i];
        }

        return e;
    }

    /// <summary>Rounds the weights at <paramref name="at"/> in place to their chosen levels; returns Σ d·E[p], the mean output shift.</summary>
    private static double RoundRow(float[] data, int[] at, float scale, int pinned, double[] h, double[] mean)
    {
        int row = at.Length;
        var q = new int[row];
        var d = new double[row];
        for (int k = 0; k < row; k++)
        {
            q[k] = QuantParamMath.QuantizeSymmetric(data[at[k]], scale);
            d[k] = q[k] * (double)scale - data[at[k]];
        }

        // g = H·d: the gradient of dᵀ·H·d / 2, kept up to date as weights flip.
        var g = new double[row];
        for (int i = 0; i < row; i++)
        {
            double s = 0;
            for (int j = 0; j < row; j++) s += h[i * row + j] * d[j];
            g[i] = s;
        }

        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            bool flipped = false;
            for (int k = 0; k < row; k++)
            {
                if (at[k] == pinned || d[k] == 0) continue;
                int other = d[k] > 0 ? q[k] - 1 : q[k] + 1;
                if (other is < -127 or > 127) continue;
                double delta = (other - q[k]) * (double)scale;
                double change = delta * (2 * g[k] + delta * h[k * row + k]);
                if (!(change < 0)) continue;
                q[k] = other;
                d[k] += delta;
                for (int i = 0; i < row; i++) g[i] += delta * h[i * row + k];
                flipped = true;
            }

            if (!flipped) break;
        }

        double shift = 0;
        for (int k = 0; k < row; k++)
        {
            data[at[k]] = q[k] * scale;
            shift += d[k] * mean[k];
        }

        return shift;
    }
}

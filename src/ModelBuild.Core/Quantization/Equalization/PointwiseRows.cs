using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Activation-aware second moments per output row of a 1×1 convolution followed by ReLU/ReLU6, over the layer's
/// <see cref="StoredPatches"/>: row r's float pre-activation (bias + w_r·p) at each stored patch p tells whether the
/// activation passes it (in range) or clips it, and row r's
/// H_r = κ²·H + (1 − κ²)·Σ_{p: r in range} (p − μ)(p − μ)ᵀ / (stored patches),
/// H the layer's centred moment over every position (<see cref="LayerMoments"/>), μ its mean, κ
/// <see cref="ActivationAware.PointwiseKappa"/>: a position where row r clips counts κ², one where it passes counts 1.
/// </summary>
internal sealed class PointwiseRows
{
    private readonly int row, stored;
    private readonly float[] centred;
    private readonly double[] norms;
    private readonly bool[] active;
    private readonly double kappa2;

    /// <param name="weights">The layer's float weights, rows × row (before rounding).</param>
    /// <param name="mean">The patches' mean subtracted from each stored patch (zeros for an uncentred layer).</param>
    public PointwiseRows(StoredPatches patches, float[] weights, float[]? bias, int rows, (float Low, float High) range, double[] mean, double kappa)
    {
        (row, stored, kappa2) = (patches.Row, patches.Count, kappa * kappa);
        centred = new float[stored * row];
        for (int s = 0; s < stored; s++)
        {
            var p = patches[s];
            for (int k = 0; k < row; k++) centred[s * row + k] = p[k] - (float)mean[k];
        }

        norms = new double[stored];
        for (int s = 0; s < stored; s++)
            for (int k = 0; k < row; k++) norms[s] += (double)centred[s * row + k] * centred[s * row + k];

        active = new bool[rows * stored];
        long clipped = 0;
        for (int r = 0; r < rows; r++)
            for (int s = 0; s < stored; s++)
            {
                float y = (bias?[r] ?? 0f) + TensorPrimitives.Dot(weights.AsSpan(r * row, row), patches[s]);
                bool passes = y > range.Low && y < range.High;
                active[r * stored + s] = passes;
                if (!passes) clipped++;
            }

        ClipShare = stored == 0 ? 0 : clipped / (double)((long)rows * stored);
    }

    /// <summary>The share of (row, stored patch) pairs whose pre-activation the activation clips.</summary>
    public double ClipShare { get; }

    /// <summary>H_r (row × row, row-major), undamped, from the layer's undamped centred moment <paramref name="h"/>.</summary>
    public double[] Hessian(int r, double[] h, GramAccumulator gram)
    {
        var upper = new double[row * row];
        var none = new double[row];
        var chunk = new float[GramAccumulator.Chunk * row];
        int filled = 0;
        for (int s = 0; s < stored; s++)
        {
            if (!active[r * stored + s]) continue;
            Array.Copy(centred, s * row, chunk, filled * row, row);
            if (++filled < GramAccumulator.Chunk) continue;
            gram.AddChunk(chunk, filled, none, upper);
            filled = 0;
        }

        if (filled > 0) gram.AddChunk(chunk, filled, none, upper);
        var hr = new double[row * row];
        for (int i = 0; i < row; i++)
            for (int j = i; j < row; j++)
                hr[i * row + j] = hr[j * row + i] = kappa2 * h[i * row + j] + (1 - kappa2) * upper[i * row + j] / stored;
        return hr;
    }

    /// <summary>
    /// dᵀ·H_r·d and H_r's trace, from the patches (without forming H_r): κ²·dᵀ·H·d + (1 − κ²)·Σ (d·(p − μ))² / stored
    /// over the patches where row r is in range.
    /// </summary>
    public (double Error, double Trace) Error(int r, double[] d, double[] h)
    {
        double full = 0, trace = 0;
        for (int i = 0; i < row; i++)
        {
            double s = 0;
            for (int j = 0; j < row; j++) s += h[i * row + j] * d[j];
            full += s * d[i];
            trace += h[i * row + i];
        }

        double passed = 0, passedTrace = 0;
        for (int p = 0; p < stored; p++)
        {
            if (!active[r * stored + p]) continue;
            double dot = 0;
            for (int k = 0; k < row; k++) dot += d[k] * centred[p * row + k];
            passed += dot * dot;
            passedTrace += norms[p];
        }

        return (kappa2 * full + (1 - kappa2) * passed / stored, kappa2 * trace + (1 - kappa2) * passedTrace / stored);
    }
}

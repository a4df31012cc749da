using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Execution.Float.WinogradTransforms;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Float CONV_2D 3×3, stride 1, dilation 1 by Winograd F(4×4, 3×3): 2.25× fewer multiplications than the GEMM of
/// <see cref="Conv2DKernel"/> per 4×4 output tile (36 instead of 144 per channel pair; 3× fewer on the 14×14 layers of
/// ResNets, whose last tile row and column are partly wasted). The filters are transformed once (U = G g Gᵀ, 36 packed
/// [cin] × [cout] matrices, 4× the 3×3 weights; shared by every executor over the same weights, see
/// <see cref="PreparedWeights"/>), then each run takes a group of output tiles at a time in three parallel passes: every input
/// tile transformed (V, 36 planes [tiles][cin]); 36 independent GEMMs M_ξ = V_ξ · U_ξ (<see cref="PackedGemm"/>);
/// every output tile transformed back, plus bias and activation. Rounds differently from the direct path (within
/// ~1e-5 of the magnitude; see the tests).
/// </summary>
[SkipLocalsInit]
internal sealed unsafe class WinogradConv2DKernel
{
    /// <summary>Narrower layers gain little from the transform and keep the direct path.</summary>
    private const int MinChannels = 16;

    /// <summary>
    /// Output tiles per image a layer needs (14×14 outputs and up): the filters are transformed (and read) once per run
    /// for that many GEMM rows, and below this that costs more than the multiplications saved.
    /// </summary>
    private const int MinTilesPerImage = 16;

    /// <summary>Layers whose transformed filters exceed this (512 → 512 channels: 36 MiB) keep the direct path: they do not fit the L3 cache.</summary>
    private const long MaxTransformedBytes = 16L << 20;

    /// <summary>Floats of V (and of M) per tile group: 8 MiB each, so both stay in the L3 cache between passes.</summary>
    private const int GroupFloats = 1 << 21;

    /// <summary>Rows (tiles) of one GEMM job: 120 × 256 floats of V (120 KiB) stay in L2 while the weight panels stream past.</summary>
    private const int BlockRows = 20 * PackedGemm.RowBlock;

    [ThreadStatic] private static float[]? s_transformed;
    [ThreadStatic] private static float[]? s_products;

    private readonly int _cin, _cout, _panels;
    private readonly float[] _transformed;
    private readonly float[] _bias;
    private readonly float[] _noBias;
    private readonly FusedActivation _activation;

    /// <summary>Whether a layer runs here: 3×3, stride 1, no dilation, wide enough, with output [oh, ow] large enough and filters small enough to gain.</summary>
    public static bool Applies(int kh, int kw, int cin, int cout, int sh, int sw, int dh, int dw, int oh, int ow) =>
        kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1 && cin >= MinChannels && cout >= MinChannels && Vector256.IsHardwareAccelerated
        && (oh + Out - 1) / Out * ((ow + Out - 1) / Out) >= MinTilesPerImage && 4L * Points * cin * cout <= MaxTransformedBytes;

    /// <param name="weightsOhwi">[cout, 3, 3, cin].</param>
    public WinogradConv2DKernel(float[] weightsOhwi, float[]? bias, int cout, int cin, FusedActivation activation)
    {
        (_cin, _cout, _activation) = (cin, cout, activation);
        _panels = (cout + PackedGemm.PanelWidth - 1) / PackedGemm.PanelWidth;
        int width = _panels * PackedGemm.PanelWidth;
        _bias = new float[width];
        if (bias is not null) Array.Copy(bias, _bias, cout);
        _noBias = new float[width];
        _transformed = PreparedWeights.Get($"winograd {cout}x3x3x{cin}", weightsOhwi, null, () => TransformFilters(weightsOhwi, cin, cout, _panels));
    }

    /// <summary>Bytes this kernel keeps for its weights (the transformed filters and the bias).</summary>
    public long PreparedBytes => 4L * (_transformed.Length + _bias.Length + _noBias.Length);
    /// <summary>Runs over NHWC input [batch, h, w, cin] into [batch, oh, ow, cout] (SAME or VALID padding, implied by the sizes).</summary>
    public void Run(float[] input, int batch, int h, int w, float[] output, int oh, int ow)
    {
        var grid = new TileGrid(h, w, oh, ow, Conv2DKernel.PadBefore(h, oh, 3, 1, 1), Conv2DKernel.PadBefore(w, ow, 3, 1, 1), (oh + Out - 1) / Out, (ow + Out - 1) / Out);
        int tiles = batch * grid.TilesH * grid.TilesW;
        int groupRows = Math.Max(PackedGemm.RowBlock, GroupFloats / (Points * Math.Max(_cin, _cout)) / PackedGemm.RowBlock * PackedGemm.RowBlock);
        int maxRows = Math.Min(groupRows, (tiles + PackedGemm.RowBlock - 1) / PackedGemm.RowBlock * PackedGemm.RowBlock);
        // 8 floats past the end: the last channel block of the last tile is loaded whole (the lanes past cout are dropped).
        var v = Scratch(ref s_transformed, (long)Points * maxRows * _cin + 8);
        var m = Scratch(ref s_products, (long)Points * maxRows * _cout + 8);
        for (int t0 = 0; t0 < tiles; t0 += maxRows)
        {
            int count = Math.Min(maxRows, tiles - t0), rows = (count + PackedGemm.RowBlock - 1) / PackedGemm.RowBlock * PackedGemm.RowBlock;
            CoreParallel.ForRanges(count, (a, b) => TransformInputs(input, grid, t0, a, b, v, rows), Points * _cin);
            Multiply(_transformed, v, m, rows);
            CoreParallel.ForRanges(count, (a, b) => TransformOutputs(m, grid, t0, a, b, output, rows), Points * _cout);
        }
    }

    private static float[] Scratch(ref float[]? slot, long length)
    {
        if (slot is null || slot.Length < length) slot = new float[length];
        return slot;
    }

    /// <summary>
    /// U_ξ = G g Gᵀ of every filter, once: matrix ξ packed as <see cref="PackedGemm"/> packs ([panel][cin][16], output
    /// channels past cout zero), at ξ·panels·cin·16. Four times the 3×3 weights, kept instead of a copy of them.
    /// </summary>
    private static float[] TransformFilters(float[] weightsOhwi, int cin, int cout, int panels)
    {
        int width = panels * PackedGemm.PanelWidth;
        long matrix = (long)panels * cin * PackedGemm.PanelWidth;
        var u = new float[Points * matrix];
        CoreParallel.ForRanges(cin, (from, to) =>
        {
            // 8 output channels of one input channel at a time, gathered [9][8] from OHWI (zeros past cout).
            float* g = stackalloc float[9 * 8];
            fixed (float* w = weightsOhwi)
            fixed (float* uBase = u)
            {
                for (int ci = from; ci < to; ci++)
                    for (int col = 0; col < width; col += 8)
                    {
                        for (int lane = 0; lane < 8; lane++)
                        {
                            int o = col + lane;
                            for (int k = 0; k < 9; k++)
                                g[k * 8 + lane] = o < cout ? w[((long)o * 9 + k) * cin + ci] : 0f;
                        }

                        int panel = col / PackedGemm.PanelWidth, lane0 = col % PackedGemm.PanelWidth;
                        Filter(g, 8, uBase + ((long)panel * cin + ci) * PackedGemm.PanelWidth + lane0, matrix);
                    }
            }
        }, Points * width);
        return u;
    }

    /// <summary>M_ξ[rows, cout] = V_ξ[rows, cin] · U_ξ for the 36 tile elements, in jobs of one element × one block of rows.</summary>
    private void Multiply(float[] u, float[] v, float[] m, int rows)
    {
        int rowChunks = (rows + BlockRows - 1) / BlockRows;
        long matrix = (long)_panels * _cin * PackedGemm.PanelWidth;
        CoreParallel.For(0, Points * rowChunks, job =>
        {
            int p = job / rowChunks, r0 = job % rowChunks * BlockRows, mc = Math.Min(BlockRows, rows - r0);
            fixed (float* uBase = u)
            fixed (float* vBase = v)
            fixed (float* mBase = m)
            fixed (float* zero = _noBias)
            {
                float* a = vBase + ((long)p * rows + r0) * _cin, c = mBase + ((long)p * rows + r0) * _cout;
                for (int k0 = 0; k0 < _cin; k0 += PackedGemm.DepthBlock)
                {
                    PackedGemm.RunPacked(uBase + p * matrix, zero, _cout, _cin, a + k0, _cin, mc, k0, Math.Min(PackedGemm.DepthBlock, _cin - k0), c, 0, _panels,
                        float.NegativeInfinity, float.PositiveInfinity);
                }
            }
        });
    }

    /// <summary>Tiles [t0 + from, t0 + to) of the input into V (tile row t − t0 of each of the 36 planes, plane stride rows·cin).</summary>
    private void TransformInputs(float[] input, TileGrid g, int t0, int from, int to, float[] v, int rows)
    {
        float* patch = stackalloc float[Points * 8];
        float* partial = stackalloc float[Points * 8];
        long plane = (long)rows * _cin;
        fixed (float* x = input)
        fixed (float* vBase = v)
        {
            for (int i = from; i < to; i++)
            {
                var (b, iy0, ix0, _, _) = g.Locate(t0 + i);
                float* img = x + (long)b * g.H * g.W * _cin;
                bool inside = iy0 >= 0 && ix0 >= 0 && iy0 + Tile <= g.H && ix0 + Tile <= g.W;
                for (int c = 0; c < _cin; c += 8)
                {
                    int lanes = Math.Min(8, _cin - c);
                    float* dst = vBase + (long)i * _cin + c;
                    if (inside && lanes == 8)
                    {
                        Input(img + ((long)iy0 * g.W + ix0) * _cin + c, (long)g.W * _cin, _cin, dst, plane);
                        continue;
                    }

                    GatherPatch(img, g, iy0, ix0, c, lanes, patch);
                    if (lanes == 8)
                    {
                        Input(patch, Tile * 8, 8, dst, plane);
                        continue;
                    }

                    Input(patch, Tile * 8, 8, partial, 8);
                    for (int p = 0; p < Points; p++)
                        new Span<float>(partial + p * 8, lanes).CopyTo(new Span<float>(dst + p * plane, lanes));
                }
            }
        }
    }

    /// <summary>The 6×6 × 8-channel input patch at (iy0, ix0), zeros outside the image (lanes past the channels are left as they are).</summary>
    private void GatherPatch(float* img, TileGrid g, int iy0, int ix0, int c, int lanes, float* patch)
    {
        for (int r = 0; r < Tile; r++)
        {
            int iy = iy0 + r;
            for (int col = 0; col < Tile; col++)
            {
                int ix = ix0 + col;
                float* dst = patch + (r * Tile + col) * 8;
                if ((uint)iy >= (uint)g.H || (uint)ix >= (uint)g.W) Vector256<float>.Zero.Store(dst);
                else if (lanes == 8) Vector256.Load(img + ((long)iy * g.W + ix) * _cin + c).Store(dst);
                else new Span<float>(img + ((long)iy * g.W + ix) * _cin + c, lanes).CopyTo(new Span<float>(dst, lanes));
            }
        }
    }

    /// <summary>Tiles [t0 + from, t0 + to) from M back to the output, plus bias, clamped; output pixels past the edge are dropped.</summary>
    private void TransformOutputs(float[] m, TileGrid g, int t0, int from, int to, float[] output, int rows)
    {
        float* y = stackalloc float[Out * Out * 8];
        var (lo, hi) = Activations.Range(_activation);
        var vlo = Vector256.Create(lo);
        var vhi = Vector256.Create(hi);
        long plane = (long)rows * _cout;
        fixed (float* mBase = m)
        fixed (float* outBase = output)
        fixed (float* bias = _bias)
        {
            for (int i = from; i < to; i++)
            {
                var (b, _, _, oy0, ox0) = g.Locate(t0 + i);
                int height = Math.Min(Out, g.OH - oy0), width = Math.Min(Out, g.OW - ox0);
                for (int c = 0; c < _cout; c += 8)
                {
                    int lanes = Math.Min(8, _cout - c);
                    Output(mBase + (long)i * _cout + c, plane, y);
                    var vb = Vector256.Load(bias + c);
                    for (int r = 0; r < height; r++)
                    {
                        float* dst = outBase + (((long)b * g.OH + oy0 + r) * g.OW + ox0) * _cout + c;
                        for (int col = 0; col < width; col++, dst += _cout)
                        {
                            var value = Activations.Clamp(Vector256.Load(y + (r * Out + col) * 8) + vb, vlo, vhi);
                            if (lanes == 8) value.Store(dst);
                            else for (int l = 0; l < lanes; l++) dst[l] = value.GetElement(l);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The 4×4 output tiles over a batch: tile t is image b, tile row ty, tile column tx (row-major).</summary>
    private readonly record struct TileGrid(int H, int W, int OH, int OW, int PadTop, int PadLeft, int TilesH, int TilesW)
    {
        public (int B, int InY, int InX, int OutY, int OutX) Locate(int t)
        {
            int perImage = TilesH * TilesW, b = t / perImage, rest = t % perImage;
            int oy = rest / TilesW * Out, ox = rest % TilesW * Out;
            return (b, oy - PadTop, ox - PadLeft, oy, ox);
        }
    }
}

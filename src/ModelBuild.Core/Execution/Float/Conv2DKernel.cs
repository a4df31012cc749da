using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Float CONV_2D as a GEMM over output pixels: [pixels, kh·kw·cin] × packed weights (<see cref="PackedGemm"/>).
/// 1×1 stride-1 convolutions read the NHWC input rows directly (a plain GEMM); the others gather one tile of
/// pixels at a time (im2col) into a per-thread scratch buffer. Parallel over pixel tiles, and over groups of
/// output-channel panels when a layer has too few tiles to keep every core busy.
/// </summary>
internal sealed unsafe class Conv2DKernel
{
    private const int TilePixels = 8 * PackedGemm.RowBlock;

    [ThreadStatic] private static float[]? s_scratch;

    private readonly int _kh, _kw, _cin;
    private readonly int _sh, _sw, _dh, _dw;
    private readonly FusedActivation _activation;
    private readonly PackedGemm _gemm;

    /// <param name="weightsOhwi">[cout, kh, kw, cin].</param>
    public Conv2DKernel(float[] weightsOhwi, float[]? bias, int cout, int kh, int kw, int cin, int sh, int sw, int dh, int dw, Padding padding, FusedActivation activation)
    {
        (_kh, _kw, _cin, _sh, _sw, _dh, _dw, _activation) = (kh, kw, cin, sh, sw, dh, dw, activation);
        _ = padding; // the padding is implied by the output size (see PadBefore)
        _gemm = new PackedGemm(weightsOhwi, bias, cout, kh * kw * cin);
    }

    /// <summary>Runs over NHWC input [batch, h, w, cin] into [batch, oh, ow, cout].</summary>
    public void Run(float[] input, int batch, int h, int w, float[] output, int oh, int ow)
    {
        int padTop = PadBefore(h, oh, _kh, _sh, _dh), padLeft = PadBefore(w, ow, _kw, _sw, _dw);
        bool direct = _kh == 1 && _kw == 1 && _sh == 1 && _sw == 1 && padTop == 0 && padLeft == 0 && oh == h && ow == w;
        int pixels = oh * ow, k = _gemm.K, cout = _gemm.N;
        int tiles = (pixels + TilePixels - 1) / TilePixels, allTiles = batch * tiles;
        int wanted = 4 * Environment.ProcessorCount;
        int groups = allTiles >= wanted ? 1 : Math.Min(_gemm.Panels, (wanted + allTiles - 1) / allTiles);
        int panelsPerGroup = (_gemm.Panels + groups - 1) / groups;
        groups = (_gemm.Panels + panelsPerGroup - 1) / panelsPerGroup;
        var (lo, hi) = Activations.Range(_activation);

        Parallel.For(0, allTiles * groups, job =>
        {
            int t = job / groups, g = job % groups;
            int b = t / tiles, p0 = t % tiles * TilePixels, count = Math.Min(TilePixels, pixels - p0);
            int panel0 = g * panelsPerGroup, panel1 = Math.Min(_gemm.Panels, panel0 + panelsPerGroup);
            var scratch = direct ? null : Scratch(TilePixels * k);
            fixed (float* inBase = input)
            fixed (float* outBase = output)
            fixed (float* col = scratch)
            {
                float* a;
                if (direct) a = inBase + ((long)b * h * w + p0) * _cin;
                else
                {
                    Im2Col(inBase + (long)b * h * w * _cin, h, w, p0, count, ow, padTop, padLeft, col);
                    a = col;
                }

                _gemm.Run(a, k, count, outBase + ((long)b * pixels + p0) * cout, panel0, panel1, lo, hi);
            }
        });
    }

    private static float[] Scratch(int length)
    {
        var s = s_scratch;
        if (s is null || s.Length < length) s_scratch = s = new float[length];
        return s;
    }

    /// <summary>TFLite's SAME padding before the data (the odd element goes after); 0 for VALID, whose output never needs padding.</summary>
    internal static int PadBefore(int input, int output, int filter, int stride, int dilation)
    {
        int effective = (filter - 1) * dilation + 1;
        int total = Math.Max((output - 1) * stride + effective - input, 0);
        return total / 2;
    }

    private void Im2Col(float* img, int h, int w, int p0, int count, int ow, int padTop, int padLeft, float* col)
    {
        int k = _gemm.K;
        for (int i = 0; i < count; i++)
        {
            int p = p0 + i, oy = p / ow, ox = p % ow;
            float* dst = col + (long)i * k;
            for (int ky = 0; ky < _kh; ky++)
            {
                int iy = oy * _sh - padTop + ky * _dh;
                for (int kx = 0; kx < _kw; kx++)
                {
                    int ix = ox * _sw - padLeft + kx * _dw;
                    float* d = dst + (ky * _kw + kx) * _cin;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) new Span<float>(d, _cin).Clear();
                    else Buffer.MemoryCopy(img + ((long)iy * w + ix) * _cin, d, _cin * 4L, _cin * 4L);
                }
            }
        }
    }
}

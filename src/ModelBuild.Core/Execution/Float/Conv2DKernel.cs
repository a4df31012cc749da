using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Float CONV_2D as im2col + a register-blocked GEMM: weights packed once into panels of 16 output channels
/// ([K][16], K = kh·kw·cin), 4 output pixels × 16 channels per micro-kernel step, vectorized with AVX/FMA,
/// parallel over pixel tiles. 1×1 stride-1 convolutions read the input rows directly.
/// </summary>
internal sealed unsafe class Conv2DKernel
{
    private const int PanelWidth = 16;
    private const int TilePixels = 32;

    private readonly int _kh, _kw, _cin, _cout, _k, _panels;
    private readonly float[] _packed;
    private readonly float[] _bias;
    private readonly int _sh, _sw, _dh, _dw;
    private readonly Padding _padding;
    private readonly FusedActivation _activation;

    /// <param name="weightsOhwi">[cout, kh, kw, cin].</param>
    public Conv2DKernel(float[] weightsOhwi, float[]? bias, int cout, int kh, int kw, int cin, int sh, int sw, int dh, int dw, Padding padding, FusedActivation activation)
    {
        (_kh, _kw, _cin, _cout, _sh, _sw, _dh, _dw, _padding, _activation) = (kh, kw, cin, cout, sh, sw, dh, dw, padding, activation);
        _k = kh * kw * cin;
        _panels = (cout + PanelWidth - 1) / PanelWidth;
        _packed = new float[_panels * _k * PanelWidth];
        for (int o = 0; o < cout; o++)
        {
            int panel = o / PanelWidth, lane = o % PanelWidth;
            for (int k = 0; k < _k; k++)
                _packed[(panel * _k + k) * PanelWidth + lane] = weightsOhwi[o * _k + k];
        }

        _bias = new float[_panels * PanelWidth];
        if (bias is not null) Array.Copy(bias, _bias, cout);
    }

    /// <summary>Runs over NHWC input [batch, h, w, cin] into [batch, oh, ow, cout].</summary>
    public void Run(float[] input, int batch, int h, int w, float[] output, int oh, int ow)
    {
        int padTop = PadBefore(h, oh, _kh, _sh, _dh), padLeft = PadBefore(w, ow, _kw, _sw, _dw);
        bool direct = _kh == 1 && _kw == 1 && _sh == 1 && _sw == 1 && padTop == 0 && padLeft == 0;
        int pixels = oh * ow;
        int tiles = (pixels + TilePixels - 1) / TilePixels;
        var (lo, hi) = Activations.Range(_activation);

        Parallel.For(0, batch * tiles, () => direct ? null : new float[TilePixels * _k], (job, _, im2col) =>
        {
            int b = job / tiles, tile = job % tiles;
            int p0 = tile * TilePixels, count = Math.Min(TilePixels, pixels - p0);
            fixed (float* inBase = input)
            fixed (float* outBase = output)
            fixed (float* packed = _packed)
            fixed (float* bias = _bias)
            fixed (float* col = im2col)
            {
                float* a;
                if (direct) a = inBase + ((long)b * h * w + p0) * _cin;
                else
                {
                    Im2Col(inBase + (long)b * h * w * _cin, h, w, p0, count, ow, padTop, padLeft, col);
                    a = col;
                }

                Gemm(a, count, packed, bias, outBase + ((long)b * pixels + p0) * _cout, lo, hi);
            }

            return im2col;
        }, _ => { });
    }

    internal static int PadBefore(int input, int output, int filter, int stride, int dilation)
    {
        int effective = (filter - 1) * dilation + 1;
        int total = Math.Max((output - 1) * stride + effective - input, 0);
        return total / 2;
    }

    private void Im2Col(float* img, int h, int w, int p0, int count, int ow, int padTop, int padLeft, float* col)
    {
        for (int i = 0; i < count; i++)
        {
            int p = p0 + i, oy = p / ow, ox = p % ow;
            float* dst = col + (long)i * _k;
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

    private void Gemm(float* a, int rows, float* packed, float* bias, float* output, float lo, float hi)
    {
        int k = _k, cout = _cout;
        for (int panel = 0; panel < _panels; panel++)
        {
            float* wp = packed + (long)panel * k * PanelWidth;
            int o0 = panel * PanelWidth, width = Math.Min(PanelWidth, cout - o0);
            var b0 = Vector256.Load(bias + o0);
            var b1 = Vector256.Load(bias + o0 + 8);
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                float* a0 = a + (long)r * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
                Vector256<float> c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
                float* wk = wp;
                for (int i = 0; i < k; i++, wk += PanelWidth)
                {
                    var w0 = Vector256.Load(wk);
                    var w1 = Vector256.Load(wk + 8);
                    var x0 = Vector256.Create(a0[i]);
                    c00 = Fma(x0, w0, c00); c01 = Fma(x0, w1, c01);
                    var x1 = Vector256.Create(a1[i]);
                    c10 = Fma(x1, w0, c10); c11 = Fma(x1, w1, c11);
                    var x2 = Vector256.Create(a2[i]);
                    c20 = Fma(x2, w0, c20); c21 = Fma(x2, w1, c21);
                    var x3 = Vector256.Create(a3[i]);
                    c30 = Fma(x3, w0, c30); c31 = Fma(x3, w1, c31);
                }

                Store(output + (long)r * cout + o0, c00, c01, width, lo, hi);
                Store(output + (long)(r + 1) * cout + o0, c10, c11, width, lo, hi);
                Store(output + (long)(r + 2) * cout + o0, c20, c21, width, lo, hi);
                Store(output + (long)(r + 3) * cout + o0, c30, c31, width, lo, hi);
            }

            for (; r < rows; r++)
            {
                float* a0 = a + (long)r * k;
                Vector256<float> c0 = b0, c1 = b1;
                float* wk = wp;
                for (int i = 0; i < k; i++, wk += PanelWidth)
                {
                    var x0 = Vector256.Create(a0[i]);
                    c0 = Fma(x0, Vector256.Load(wk), c0);
                    c1 = Fma(x0, Vector256.Load(wk + 8), c1);
                }

                Store(output + (long)r * cout + o0, c0, c1, width, lo, hi);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* dst, Vector256<float> v0, Vector256<float> v1, int width, float lo, float hi)
    {
        var vlo = Vector256.Create(lo);
        var vhi = Vector256.Create(hi);
        v0 = Vector256.Min(Vector256.Max(v0, vlo), vhi);
        v1 = Vector256.Min(Vector256.Max(v1, vlo), vhi);
        if (width == PanelWidth)
        {
            v0.Store(dst);
            v1.Store(dst + 8);
            return;
        }

        float* tmp = stackalloc float[PanelWidth];
        v0.Store(tmp);
        v1.Store(tmp + 8);
        for (int i = 0; i < width; i++) dst[i] = tmp[i];
    }
}

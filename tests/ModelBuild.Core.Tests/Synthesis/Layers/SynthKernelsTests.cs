using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>The synthesizer's float kernels against TensorFlow's window rules and a plain loop over every tap.</summary>
[TestClass]
public sealed class SynthKernelsTests
{
    [TestMethod]
    [DataRow(5, 2, 2, true, 3, 0)]
    [DataRow(6, 3, 1, true, 6, 1)]
    [DataRow(6, 3, 2, true, 3, 0)]
    [DataRow(7, 4, 1, true, 7, 1)]
    [DataRow(7, 3, 2, false, 3, 0)]
    public void Window_follows_tensorflows_same_and_valid_rules(int input, int kernel, int stride, bool same, int output, int padBefore)
    {
        // Same: ceil(input / stride) outputs; the padding total (out - 1) · stride + kernel - input, the smaller half before.
        Assert.AreEqual((output, padBefore), SynthKernels.Window(input, kernel, stride, same));
    }

    [TestMethod]
    public void Axpy_and_multiply_add_accumulate_past_the_vector_width()
    {
        var x = Enumerable.Range(1, 19).Select(i => (float)i).ToArray();
        var dst = Enumerable.Repeat(1f, 19).ToArray();

        SynthKernels.Axpy(dst, x, 2f);
        CollectionAssert.AreEqual(x.Select(v => 1 + 2 * v).ToArray(), dst);
        SynthKernels.MultiplyAdd(dst, x, x);
        CollectionAssert.AreEqual(x.Select(v => 1 + 2 * v + v * v).ToArray(), dst);
    }

    [TestMethod]
    [DataRow(7, 3, 3, 20, 1, true)]
    [DataRow(8, 3, 3, 5, 2, true)]
    [DataRow(6, 1, 6, 17, 1, true)]
    [DataRow(8, 3, 1, 32, 2, false)]
    public void Convolve_matches_a_plain_loop_over_every_tap(int size, int kh, int kw, int cout, int stride, bool same)
    {
        const int cin = 3;
        var x = Images(2, size, cin, seed: 11);
        var kernel = Random(kh * kw * cin * cout, 12);
        var bias = Random(cout, 13);

        var y = SynthKernels.Convolve(x, kernel, bias, kh, kw, cout, stride, same);

        var expected = Reference(x, kh, kw, cout, stride, same, (n, iy, ix, ci, ky, kx, co) =>
            x.Data[((n * size + iy) * size + ix) * cin + ci] * kernel[((ky * kw + kx) * cin + ci) * cout + co], bias);
        Assert.AreEqual((TensorFlowWindow(size, kh, stride, same).Out, TensorFlowWindow(size, kw, stride, same).Out, cout), (y.H, y.W, y.C));
        NumericAssert.Close(expected, y.Data, 1e-5, "convolution");
    }

    [TestMethod]
    [DataRow(7, 3, 1, true)]
    [DataRow(8, 3, 2, true)]
    [DataRow(8, 3, 2, false)]
    public void Depthwise_matches_a_plain_loop_over_every_tap(int size, int k, int stride, bool same)
    {
        const int c = 11;
        var x = Images(2, size, c, seed: 21);
        var kernel = Random(k * k * c, 22);

        var y = SynthKernels.Depthwise(x, kernel, k, stride, same);

        var expected = Reference(x, k, k, c, stride, same, (n, iy, ix, ci, ky, kx, co) =>
            ci == co ? x.Data[((n * size + iy) * size + ix) * c + ci] * kernel[(ky * k + kx) * c + ci] : 0f, null);
        NumericAssert.Close(expected, y.Data, 1e-5, "depthwise convolution");
    }

    private static float[] Random(int n, int seed)
    {
        var values = new float[n];
        SynthRandom.ForLayer(seed, "kernel").FillUniform(values, 1f);
        return values;
    }

    /// <summary>TensorFlow's window, written out apart from the kernel under test: same pads the smaller half before.</summary>
    private static (int Out, int Before) TensorFlowWindow(int input, int kernel, int stride, bool same)
    {
        if (!same) return ((input - kernel) / stride + 1, 0);
        int output = (int)Math.Ceiling(input / (double)stride);
        return (output, Math.Max((output - 1) * stride + kernel - input, 0) / 2);
    }

    private delegate float Tap(int n, int iy, int ix, int ci, int ky, int kx, int co);

    /// <summary>Σ over taps inside the input and input channels, TensorFlow's padding, NHWC out.</summary>
    private static float[] Reference(FeatureMap x, int kh, int kw, int cout, int stride, bool same, Tap tap, float[]? bias)
    {
        var (oh, top) = TensorFlowWindow(x.H, kh, stride, same);
        var (ow, left) = TensorFlowWindow(x.W, kw, stride, same);
        var y = new float[x.Batch * oh * ow * cout];
        for (int n = 0; n < x.Batch; n++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int co = 0; co < cout; co++)
                    {
                        double acc = bias?[co] ?? 0;
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int iy = oy * stride - top + ky, ix = ox * stride - left + kx;
                                if (iy < 0 || iy >= x.H || ix < 0 || ix >= x.W) continue;
                                for (int ci = 0; ci < x.C; ci++) acc += tap(n, iy, ix, ci, ky, kx, co);
                            }

                        y[((n * oh + oy) * ow + ox) * cout + co] = (float)acc;
                    }

        return y;
    }
}

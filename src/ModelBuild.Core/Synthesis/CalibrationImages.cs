using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis;

/// <summary>
/// The random images of the statistics pass, in [0, 255] and then preprocessed as keras.applications expects for
/// the architecture: even-numbered ones are smooth colour fields like photos (a coarse random grid, bilinearly
/// enlarged, plus a little pixel noise), odd-numbered ones white noise. Photo-like images alone would leave the
/// network far out of range on noise inputs (such as the pipeline's synthetic calibration fallback): its max pooling
/// and residual sums then grow block after block; with both, either kind of input stays in range.
/// </summary>
internal static class CalibrationImages
{
    private const int Grid = 8;

    /// <summary>ResNet's "caffe" preprocessing: RGB to BGR, minus the ImageNet channel means.</summary>
    public static void Caffe(float[] rgb)
    {
        for (int p = 0; p < rgb.Length; p += 3)
        {
            float r = rgb[p], b = rgb[p + 2];
            rgb[p] = b - 103.939f;
            rgb[p + 1] -= 116.779f;
            rgb[p + 2] = r - 123.68f;
        }
    }

    /// <summary>MobileNetV2's "tf" preprocessing: [0, 255] to [-1, 1].</summary>
    public static void Tf(float[] rgb)
    {
        for (int i = 0; i < rgb.Length; i++) rgb[i] = rgb[i] / 127.5f - 1f;
    }

    /// <summary>Raw [0, 255] pixels, for models that preprocess inside (EfficientNet's Rescaling and Normalization).</summary>
    public static void Raw(float[] rgb)
    {
    }

    /// <summary>DenseNet's "torch" preprocessing: [0, 255] to [0, 1], then each channel minus its ImageNet mean, over its standard deviation.</summary>
    public static void Torch(float[] rgb)
    {
        ReadOnlySpan<float> mean = [0.485f, 0.456f, 0.406f];
        ReadOnlySpan<float> std = [0.229f, 0.224f, 0.225f];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (rgb[i] / 255f - mean[i % 3]) / std[i % 3];
    }

    public static FeatureMap Make(int count, int size, int seed, Action<float[]> preprocess)
    {
        var random = SynthRandom.ForLayer(seed, "calibration images");
        var batch = FeatureMap.Alloc(count, size, size, 3);
        var coarse = new float[(Grid + 1) * (Grid + 1) * 3];
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < coarse.Length; i++) coarse[i] = random.Uniform(0, 255);
            for (int y = 0; y < size; y++)
            {
                float gy = y * (float)Grid / size;
                int y0 = (int)gy;
                float fy = gy - y0;
                for (int x = 0; x < size; x++)
                {
                    float gx = x * (float)Grid / size;
                    int x0 = (int)gx;
                    float fx = gx - x0;
                    for (int c = 0; c < 3; c++)
                    {
                        float Corner(int dy, int dx) => coarse[((y0 + dy) * (Grid + 1) + x0 + dx) * 3 + c];
                        float top = Corner(0, 0) + (Corner(0, 1) - Corner(0, 0)) * fx;
                        float bottom = Corner(1, 0) + (Corner(1, 1) - Corner(1, 0)) * fx;
                        float v = n % 2 == 1 ? random.Uniform(0, 255) : top + (bottom - top) * fy + random.Uniform(-16, 16);
                        batch.Data[((n * size + y) * size + x) * 3 + c] = Math.Clamp(v, 0, 255);
                    }
                }
            }
        }

        preprocess(batch.Data);
        return batch;
    }
}

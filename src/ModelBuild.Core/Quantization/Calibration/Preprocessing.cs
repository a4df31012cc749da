using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>The Keras preprocessing modes, applied to 0..255 RGB pixels (keras.applications' imagenet_utils).</summary>
public enum Preprocessing
{
    /// <summary>Pixels as they are, 0..255.</summary>
    None,

    /// <summary>0..1.</summary>
    Unit,

    /// <summary>-1..1 (MobileNet, EfficientNet-lite style).</summary>
    Tf,

    /// <summary>RGB→BGR and ImageNet mean subtraction, no scaling (keras.applications ResNet, VGG).</summary>
    Caffe,

    /// <summary>0..1 then ImageNet mean/std normalization.</summary>
    Torch,
}

public static class PreprocessingModes
{
    private static readonly float[] CaffeMeanBgr = [103.939f, 116.779f, 123.68f];
    private static readonly float[] TorchMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] TorchStd = [0.229f, 0.224f, 0.225f];

    public static Preprocessing Parse(string? text, string? file = null) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "none" => Preprocessing.None,
        "unit" => Preprocessing.Unit,
        "tf" => Preprocessing.Tf,
        "caffe" => Preprocessing.Caffe,
        "torch" => Preprocessing.Torch,
        _ => throw new ModelBuildException("MB3051", file, $"unknown Preprocessing '{text}'; use one of none, unit, tf, caffe, torch."),
    };

    /// <summary>Applies <paramref name="mode"/> in place to interleaved pixels with <paramref name="channels"/> channels (RGB order for 3).</summary>
    public static void Apply(Span<float> pixels, int channels, Preprocessing mode)
    {
        switch (mode)
        {
            case Preprocessing.Unit:
                foreach (ref var v in pixels) v /= 255f;
                break;
            case Preprocessing.Tf:
                foreach (ref var v in pixels) v = v / 127.5f - 1f;
                break;
            case Preprocessing.Caffe when channels == 3:
                for (int i = 0; i < pixels.Length; i += 3)
                {
                    float r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
                    pixels[i] = b - CaffeMeanBgr[0];
                    pixels[i + 1] = g - CaffeMeanBgr[1];
                    pixels[i + 2] = r - CaffeMeanBgr[2];
                }

                break;
            case Preprocessing.Caffe:
                foreach (ref var v in pixels) v -= CaffeMeanBgr[1];
                break;
            case Preprocessing.Torch:
                for (int i = 0; i < pixels.Length; i++)
                {
                    int c = channels == 3 ? i % 3 : 1;
                    pixels[i] = (pixels[i] / 255f - TorchMean[c]) / TorchStd[c];
                }

                break;
        }
    }
}

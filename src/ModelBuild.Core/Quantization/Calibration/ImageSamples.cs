using ModelBuild.Core.Diagnostics;
using StbImageSharp;

namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>Decodes JPEG/PNG/BMP files (StbImageSharp) and resizes them bilinearly to the model's input.</summary>
internal static class ImageSamples
{
    public static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp"];

    public static float[] Load(string path, int height, int width, int channels, Preprocessing mode)
    {
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(File.ReadAllBytes(path), channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
        }
        catch (Exception e)
        {
            throw new ModelBuildException("MB3052", path, $"is not a readable image ({e.Message}); remove it from the calibration folder or replace it with a JPEG, PNG or BMP.", e);
        }

        var pixels = Resize(image.Data, image.Height, image.Width, channels, height, width);
        PreprocessingModes.Apply(pixels, channels, mode);
        return pixels;
    }

    /// <summary>Bilinear resize with half-pixel centres (as tf.image.resize does).</summary>
    internal static float[] Resize(byte[] src, int sh, int sw, int c, int dh, int dw)
    {
        var dst = new float[dh * dw * c];
        float sy = sh / (float)dh, sx = sw / (float)dw;
        for (int y = 0; y < dh; y++)
        {
            float fy = Math.Clamp((y + 0.5f) * sy - 0.5f, 0, sh - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, sh - 1);
            float wy = fy - y0;
            for (int x = 0; x < dw; x++)
            {
                float fx = Math.Clamp((x + 0.5f) * sx - 0.5f, 0, sw - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, sw - 1);
                float wx = fx - x0;
                for (int ch = 0; ch < c; ch++)
                {
                    float a = src[(y0 * sw + x0) * c + ch], b = src[(y0 * sw + x1) * c + ch];
                    float p = src[(y1 * sw + x0) * c + ch], q = src[(y1 * sw + x1) * c + ch];
                    dst[(y * dw + x) * c + ch] = (a * (1 - wx) + b * wx) * (1 - wy) + (p * (1 - wx) + q * wx) * wy;
                }
            }
        }

        return dst;
    }
}

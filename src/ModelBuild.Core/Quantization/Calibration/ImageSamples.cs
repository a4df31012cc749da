using ModelBuild.Core.Diagnostics;
using StbImageSharp;

namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>Decodes JPEG/PNG/BMP files (StbImageSharp) and resizes them bilinearly to the model's input.</summary>
internal static class ImageSamples
{
    public static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp"];

    public static float[] Load(string path, int height, int width, int channels, Preprocessing mode)
    {
        var image = Decode(path, channels);
        var pixels = Resize(image.Data, image.Height, image.Width, channels, height, width);
        PreprocessingModes.Apply(pixels, channels, mode);
        return pixels;
    }

    public static ImageResult Decode(string path, int channels)
    {
        try
        {
            return ImageResult.FromMemory(File.ReadAllBytes(path), channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
        }
        catch (Exception e)
        {
            throw new ModelBuildException("MB3052", path, $"is not a readable image ({e.Message}); remove it from the calibration folder or replace it with a JPEG, PNG or BMP.", e);
        }
    }

    /// <summary>Bilinear resize with half-pixel centres (as tf.image.resize does).</summary>
    internal static float[] Resize(byte[] src, int sh, int sw, int c, int dh, int dw) => Resize(src, sw, c, new Region(0, 0, sh, sw), dh, dw, mirror: false);

    /// <summary>A rectangle of a decoded image, in source pixels.</summary>
    internal readonly record struct Region(float Top, float Left, float Height, float Width);

    /// <summary>Bilinear resize of <paramref name="region"/> of an image <paramref name="sw"/> pixels wide, optionally mirrored left to right.</summary>
    internal static float[] Resize(byte[] src, int sw, int c, Region region, int dh, int dw, bool mirror)
    {
        int sh = src.Length / (sw * c);
        var dst = new float[dh * dw * c];
        float sy = region.Height / dh, sx = region.Width / dw;
        for (int y = 0; y < dh; y++)
        {
            float fy = Math.Clamp(region.Top + (y + 0.5f) * sy - 0.5f, 0, sh - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, sh - 1);
            float wy = fy - y0;
            for (int xo = 0; xo < dw; xo++)
            {
                int x = mirror ? dw - 1 - xo : xo;
                float fx = Math.Clamp(region.Left + (x + 0.5f) * sx - 0.5f, 0, sw - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, sw - 1);
                float wx = fx - x0;
                for (int ch = 0; ch < c; ch++)
                {
                    float a = src[(y0 * sw + x0) * c + ch], b = src[(y0 * sw + x1) * c + ch];
                    float p = src[(y1 * sw + x0) * c + ch], q = src[(y1 * sw + x1) * c + ch];
                    dst[(y * dw + xo) * c + ch] = (a * (1 - wx) + b * wx) * (1 - wy) + (p * (1 - wx) + q * wx) * wy;
                }
            }
        }

        return dst;
    }
}

using StbImageSharp;

namespace ModelBuild.Core.Tests.Quantization;

/// <summary>Real photos from ../shared/images as model inputs (resized, channel-adapted, preprocessed).</summary>
internal static class AccuracyInputs
{
    public static readonly string[] Photos = ["bird.rgb", "cat.bmp", "face.jpg", "hot_dog.jpg", "marguerite.jpg"];

    /// <summary>Pixels 0..255, NHWC without batch, resized bilinearly to h×w and reduced to c channels (1 = mean of RGB).</summary>
    public static float[] Load(string file, int h, int w, int c)
    {
        var path = TestSupport.RepoPaths.Image(file);
        byte[] rgb;
        int sh, sw;
        if (file.EndsWith(".rgb", StringComparison.Ordinal))
        {
            rgb = File.ReadAllBytes(path);
            sh = sw = (int)Math.Sqrt(rgb.Length / 3);
        }
        else
        {
            using var s = File.OpenRead(path);
            var img = ImageResult.FromStream(s, ColorComponents.RedGreenBlue);
            (rgb, sh, sw) = (img.Data, img.Height, img.Width);
        }

        var x = new float[h * w * c];
        var px = new float[3];
        for (int y = 0; y < h; y++)
            for (int xx = 0; xx < w; xx++)
            {
                float fy = Math.Clamp((y + 0.5f) * sh / h - 0.5f, 0, sh - 1), fx = Math.Clamp((xx + 0.5f) * sw / w - 0.5f, 0, sw - 1);
                int y0 = (int)fy, x0 = (int)fx, y1 = Math.Min(y0 + 1, sh - 1), x1 = Math.Min(x0 + 1, sw - 1);
                float dy = fy - y0, dx = fx - x0;
                for (int k = 0; k < 3; k++)
                {
                    float Get(int yy, int xq) => rgb[(yy * sw + xq) * 3 + k];
                    px[k] = (1 - dy) * ((1 - dx) * Get(y0, x0) + dx * Get(y0, x1)) + dy * ((1 - dx) * Get(y1, x0) + dx * Get(y1, x1));
                }

                int o = (y * w + xx) * c;
                if (c == 1) x[o] = (px[0] + px[1] + px[2]) / 3;
                else for (int k = 0; k < c; k++) x[o + k] = px[k % 3];
            }

        return x;
    }

    /// <summary>The preprocessing each shared model was trained with, as far as its source documents it.</summary>
    public static Func<float, float> Preprocessing(string model) => model[..2] switch
    {
        "01" or "02" or "06" => v => v / 127.5f - 1f,
        "05" => v => (v / 255f - 0.5f) * 2f,
        _ => v => v / 255f,
    };

    /// <summary>The photos plus their mirror images, preprocessed for <paramref name="model"/>.</summary>
    public static IEnumerable<float[]> Samples(string model, int[] shape, bool mirrored = true)
    {
        var pre = Preprocessing(model);
        int h = shape[1], w = shape[2], c = shape[3];
        foreach (var p in Photos)
        {
            var x = Load(p, h, w, c).Select(pre).ToArray();
            yield return x;
            if (!mirrored) continue;
            var m = new float[x.Length];
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++)
                    Array.Copy(x, (y * w + xx) * c, m, (y * w + (w - 1 - xx)) * c, c);
            yield return m;
        }
    }
}

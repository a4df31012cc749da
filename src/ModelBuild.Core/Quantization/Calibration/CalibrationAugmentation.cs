namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>Whether a calibration folder with fewer images than <c>CalibrationSamples</c> is topped up with derived images.</summary>
public enum CalibrationAugment
{
    /// <summary>Derive crops and mirror images of the photos until the sample count is reached (the default).</summary>
    Auto,

    /// <summary>Calibrate on the files as they are.</summary>
    Off,
}

/// <summary>
/// Derives calibration images from photos: mirror images and crops at two zooms (centre and corners), each also
/// mirrored. Min/max ranges taken over a handful of photos are too narrow for the next photo; the same photos
/// seen at other framings and scales cover more of what the model will meet (docs/ACCURACY.md has the figures).
/// Fixed list, no randomness: the same photos give the same samples.
/// </summary>
public static class CalibrationAugmentation
{
    /// <summary>One derived view: the crop's side as a fraction of the image's, where it sits (0 = left/top, 1 = right/bottom), mirrored or not.</summary>
    internal readonly record struct View(float Side, float AnchorX, float AnchorY, bool Mirror);

    /// <summary>The derived views in the order they are used: the most different from the photo first.</summary>
    internal static readonly View[] Views =
    [
        new(1f, 0.5f, 0.5f, true),
        new(0.8f, 0.5f, 0.5f, false),
        new(0.8f, 0f, 0f, true),
        new(0.8f, 1f, 1f, false),
        new(0.65f, 0.5f, 0.5f, true),
        new(0.8f, 1f, 0f, true),
        new(0.8f, 0f, 1f, false),
        new(0.65f, 0f, 0f, false),
        new(0.65f, 1f, 1f, true),
        new(0.8f, 0.5f, 0.5f, true),
        new(0.65f, 1f, 0f, false),
        new(0.65f, 0f, 1f, true),
        new(0.8f, 0f, 0f, false),
        new(0.8f, 1f, 1f, true),
        new(0.65f, 0.5f, 0.5f, false),
        new(0.8f, 1f, 0f, false),
        new(0.8f, 0f, 1f, true),
        new(0.65f, 0f, 0f, true),
        new(0.65f, 1f, 1f, false),
        new(0.65f, 1f, 0f, true),
        new(0.65f, 0f, 1f, false),
    ];

    public static CalibrationAugment Parse(string? text, string? file = null) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "auto" => CalibrationAugment.Auto,
        "off" => CalibrationAugment.Off,
        _ => throw new Diagnostics.ModelBuildException("MB3057", file, $"CalibrationAugment='{text}' is not known; use Auto (default) or Off."),
    };

    /// <summary>
    /// Up to <paramref name="count"/> derived samples of <paramref name="images"/>, view by view across all images
    /// (every photo's first view, then every photo's second…), so any count draws evenly from every photo.
    /// </summary>
    public static IEnumerable<float[]> Derive(IReadOnlyList<string> images, int count, int[] sampleShape, Preprocessing mode)
    {
        if (images.Count == 0 || count <= 0) yield break;
        int h = sampleShape[0], w = sampleShape[1], c = sampleShape[2];
        int made = 0;
        var jitter = JitterOn ? Jitter.FromEnvironment() : null;
        var random = new Random(int.TryParse(Environment.GetEnvironmentVariable("MB_PT_SEED"), out var seed) ? seed : 7);
        for (int round = 0; round < (jitter is null ? 1 : 8); round++)
            foreach (var view in Views)
                foreach (var file in images)
                {
                    if (made++ == count) yield break;
                    var image = ImageSamples.Decode(file, c);
                    float ch = image.Height * view.Side, cw = image.Width * view.Side;
                    var region = new ImageSamples.Region((image.Height - ch) * view.AnchorY, (image.Width - cw) * view.AnchorX, ch, cw);
                    var pixels = ImageSamples.Resize(image.Data, image.Width, c, region, h, w, view.Mirror);
                    if (jitter is { } j && (round > 0 || made > j.Skip)) j.Apply(pixels, c, random);
                    PreprocessingModes.Apply(pixels, c, mode);
                    yield return pixels;
                }
    }

    internal static volatile bool JitterOn = true;

    /// <summary>EXPERIMENT: photometric jitter, MB_PT_JIT="brightness,contrast,saturation,gain,noise[,skip]".</summary>
    internal sealed record Jitter(float Brightness, float Contrast, float Saturation, float Gain, float Noise, int Skip)
    {
        public static Jitter? FromEnvironment()
        {
            var e = Environment.GetEnvironmentVariable("MB_PT_JIT");
            if (string.IsNullOrEmpty(e)) return null;
            var v = e.Split(',').Select(x => float.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return new Jitter(v[0], v[1], v[2], v[3], v[4], v.Length > 5 ? (int)v[5] : 0);
        }

        public void Apply(float[] px, int c, Random r)
        {
            float U() => (float)(r.NextDouble() * 2 - 1);
            float b = U() * Brightness * 255, k = 1 + U() * Contrast, s = 1 + U() * Saturation;
            var g = new float[c];
            for (int i = 0; i < c; i++) g[i] = 1 + U() * Gain;
            double mean = 0;
            for (int i = 0; i < px.Length; i++) mean += px[i];
            float m = (float)(mean / px.Length);
            var noise = new Random(r.Next());
            for (int p = 0; p < px.Length; p += c)
            {
                float gray = 0;
                for (int i = 0; i < c; i++) gray += px[p + i];
                gray /= c;
                for (int i = 0; i < c; i++)
                {
                    float v = c == 3 ? gray + s * (px[p + i] - gray) : px[p + i];
                    v = m + k * (v * g[i] - m) + b;
                    if (Noise > 0)
                    {
                        double u1 = 1 - noise.NextDouble(), u2 = noise.NextDouble();
                        v += (float)(Noise * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
                    }

                    px[p + i] = Math.Clamp(v, 0, 255);
                }
            }
        }
    }

    /// <summary>How many samples augmentation can derive from <paramref name="imageCount"/> images at most.</summary>
    public static int Capacity(int imageCount) => imageCount * Views.Length;
}

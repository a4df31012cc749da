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
        foreach (var view in Views)
            foreach (var file in images)
            {
                if (made++ == count) yield break;
                // Decoding again per view keeps one image in memory at a time; decoding is cheap next to calibration.
                var image = ImageSamples.Decode(file, c);
                float ch = image.Height * view.Side, cw = image.Width * view.Side;
                var region = new ImageSamples.Region((image.Height - ch) * view.AnchorY, (image.Width - cw) * view.AnchorX, ch, cw);
                var pixels = ImageSamples.Resize(image.Data, image.Width, c, region, h, w, view.Mirror);
                PreprocessingModes.Apply(pixels, c, mode);
                yield return pixels;
            }
    }

    /// <summary>How many samples augmentation can derive from <paramref name="imageCount"/> images at most.</summary>
    public static int Capacity(int imageCount) => imageCount * Views.Length;
}

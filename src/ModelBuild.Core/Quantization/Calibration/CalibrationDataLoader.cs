using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>
/// The representative inputs for calibration, streamed one sample at a time: images (JPEG, PNG, BMP) or NumPy
/// tensors from a folder, a glob (<c>dir/*.jpg</c>) or one file; with none, a warned synthetic fallback.
/// </summary>
public static class CalibrationDataLoader
{
    /// <summary>Describes where samples come from, for meta.json ("synthetic" or the files' folder).</summary>
    public static string Describe(string? spec) => string.IsNullOrWhiteSpace(spec) ? "synthetic" : spec;

    /// <param name="inputShape">The model input shape [1, H, W, C].</param>
    public static IEnumerable<float[]> Load(string? spec, int[] inputShape, CalibrationOptions options, IBuildLog log, string? modelFile = null)
    {
        var sampleShape = inputShape[1..];
        if (string.IsNullOrWhiteSpace(spec))
        {
            log.Warning("MB3060", modelFile,
                "no CalibrationData given: calibrating with synthetic random inputs, so int8 accuracy will be poorer than it could be. "
                + "Set CalibrationData to a folder of representative images (or .npy/.npz tensors of the input shape).");
            return Synthetic(sampleShape, options);
        }

        var files = ResolveFiles(spec);
        return Stream(files, sampleShape, options).Select(s => s.Sample).Take(Math.Max(1, options.MaxSamples));
    }

    /// <summary>
    /// The build's samples: originals (files, or the synthetic fallback with warning MB3060), a few held back for the
    /// accuracy report, and with <see cref="CalibrationAugment.Auto"/> derived images up to the sample count.
    /// </summary>
    public static CalibrationSampleSet Open(string? spec, int[] inputShape, CalibrationOptions options, IBuildLog log, string? modelFile = null)
    {
        var sampleShape = inputShape[1..];
        if (string.IsNullOrWhiteSpace(spec))
        {
            // Enough random samples for the held-back ones too; the set stops at MaxSamples calibration samples.
            int count = options.MaxSamples + CalibrationSampleSet.MaxEvaluationSamples;
            var synthetic = Load(spec, inputShape, options with { MaxSamples = count }, log, modelFile);
            return new CalibrationSampleSet(() => synthetic.Select(s => (s, (string?)null)), sampleShape, options, count);
        }

        var files = ResolveFiles(spec);
        return new CalibrationSampleSet(() => Stream(files, sampleShape, options), sampleShape, options, AllImages(files) ? files.Count : null);
    }

    private static IEnumerable<(float[] Sample, string? Image)> Stream(IReadOnlyList<string> files, int[] sampleShape, CalibrationOptions options)
    {
        foreach (var file in files)
        {
            var ext = Path.GetExtension(file).ToLowerInvariant();
            if (ext is ".npy" or ".npz")
                foreach (var s in NpySamples.Load(file, sampleShape)) yield return (s, null);
            else if (sampleShape.Length == 3)
                yield return (ImageSamples.Load(file, sampleShape[0], sampleShape[1], sampleShape[2], options.Preprocessing), file);
            else
                throw new ModelBuildException("MB3053", file, $"is an image, but the model's input is ({string.Join(", ", sampleShape)}), not an image; give .npy tensors instead.");
        }
    }

    /// <summary>
    /// How many samples calibration will see, when that is known without reading them (for progress lines): the
    /// synthetic count, the maximum when augmentation tops photos up, else the photos less those held back, up to
    /// <see cref="CalibrationOptions.MaxSamples"/>. Null for NumPy files (several samples each).
    /// </summary>
    public static int? ExpectedCount(string? spec, CalibrationOptions options)
    {
        int max = Math.Max(1, options.MaxSamples);
        if (string.IsNullOrWhiteSpace(spec)) return max;
        var files = ResolveFiles(spec);
        return AllImages(files) ? CalibrationSampleSet.CalibratedFromPhotos(files.Count, options) : null;
    }

    /// <summary>Whether every file is an image (one sample each; a NumPy file may hold several).</summary>
    private static bool AllImages(IReadOnlyList<string> files) =>
        files.All(f => ImageSamples.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()));

    /// <summary>The calibration files a spec names, sorted; errors when there are none.</summary>
    public static IReadOnlyList<string> ResolveFiles(string spec)
    {
        string dir, pattern;
        if (Directory.Exists(spec)) (dir, pattern) = (spec, "*");
        else if (File.Exists(spec)) return [Path.GetFullPath(spec)];
        else if (spec.Contains('*') || spec.Contains('?'))
        {
            dir = Path.GetDirectoryName(spec) is { Length: > 0 } d ? d : ".";
            pattern = Path.GetFileName(spec);
            if (!Directory.Exists(dir))
                throw new ModelBuildException("MB3054", spec, "names a folder that does not exist; set CalibrationData to an existing folder, glob or file.");
        }
        else throw new ModelBuildException("MB3054", spec, "does not exist (no such folder, glob or file); set CalibrationData to an existing folder, glob or file.");

        var files = Directory.EnumerateFiles(dir, pattern)
            .Where(f => ImageSamples.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) || Path.GetExtension(f).ToLowerInvariant() is ".npy" or ".npz")
            .Select(Path.GetFullPath)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            throw new ModelBuildException("MB3055", spec, "holds no calibration files (.jpg, .jpeg, .png, .bmp, .npy, .npz); add representative inputs or remove CalibrationData to use the synthetic fallback.");
        return files;
    }

    private static IEnumerable<float[]> Synthetic(int[] sampleShape, CalibrationOptions options)
    {
        var random = new Random(options.Seed);
        int size = sampleShape.Aggregate(1, (a, b) => a * b);
        int channels = sampleShape[^1];
        for (int n = 0; n < Math.Max(1, options.MaxSamples); n++)
        {
            var x = new float[size];
            for (int i = 0; i < size; i++) x[i] = random.Next(256);
            PreprocessingModes.Apply(x, channels, options.Preprocessing);
            yield return x;
        }
    }
}

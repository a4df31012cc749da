using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>
/// One build's calibration samples, streamed: the original samples (files or the synthetic fallback), every
/// <see cref="HoldBackEvery"/>th original held back for the accuracy report (at most <see cref="MaxEvaluationSamples"/>),
/// then, with <see cref="CalibrationAugment.Auto"/>, samples derived from the image files until
/// <see cref="CalibrationOptions.MaxSamples"/> calibration samples are reached. Counts and the evaluation samples
/// are known once <see cref="Calibration"/> has been enumerated.
/// </summary>
public sealed class CalibrationSampleSet
{
    public const int HoldBackEvery = 8;
    public const int MaxEvaluationSamples = 4;

    private readonly Func<IEnumerable<(float[] Sample, string? Image)>> originals;
    private readonly int[] sampleShape;
    private readonly CalibrationOptions options;
    private readonly List<float[]> heldOut = [];
    private readonly List<float[]> firstCalibration = [];

    /// <param name="originals">The samples in order, each with the image file it was decoded from (null for tensors and synthetic samples).</param>
    /// <param name="count">How many originals there are, when known before reading them (not for NumPy files).</param>
    internal CalibrationSampleSet(Func<IEnumerable<(float[] Sample, string? Image)>> originals, int[] sampleShape, CalibrationOptions options, int? count)
    {
        this.originals = originals;
        this.sampleShape = sampleShape;
        this.options = options;
        ReportMayReuse = count is not int n || n < HoldBackEvery;
    }

    /// <summary>
    /// Known before reading: false when there are enough originals for some to be held back, so the accuracy report
    /// certainly does not reuse the first calibration samples (true when it may).
    /// </summary>
    public bool ReportMayReuse { get; }

    /// <summary>Samples read from the files (or made by the synthetic fallback) that calibration used.</summary>
    public int Original { get; private set; }

    /// <summary>Samples derived from the image files by augmentation.</summary>
    public int Derived { get; private set; }

    public int Calibrated => Original + Derived;

    /// <summary>True when the accuracy report runs on samples calibration did not see; false when too few were given and calibration samples are reused.</summary>
    public bool EvaluationHeldOut => heldOut.Count > 0;

    /// <summary>The accuracy report's inputs: the held-back originals, or else the first calibration originals.</summary>
    public IReadOnlyList<float[]> Evaluation => heldOut.Count > 0 ? heldOut : firstCalibration;

    /// <summary>
    /// The calibration stream. Each enumeration reads the same samples again and recounts (a per-tensor build
    /// enumerates it twice: once to equalize, once to calibrate).
    /// </summary>
    public IEnumerable<float[]> Calibration
    {
        get
        {
            Original = Derived = 0;
            heldOut.Clear();
            firstCalibration.Clear();
            int index = 0;
            var usedImages = new List<string>();
            foreach (var (sample, image) in originals())
            {
                if (Original == Math.Max(1, options.MaxSamples)) break;
                int i = index++;
                if (i % HoldBackEvery == HoldBackEvery - 1 && heldOut.Count < MaxEvaluationSamples)
                {
                    heldOut.Add(sample);
                    continue;
                }

                if (image is not null) usedImages.Add(image);
                if (firstCalibration.Count < MaxEvaluationSamples) firstCalibration.Add(sample);
                Original++;
                yield return sample;
            }

            if (options.Augment != CalibrationAugment.Auto || sampleShape.Length != 3) yield break;
            foreach (var derived in CalibrationAugmentation.Derive(usedImages, options.MaxSamples - Original, sampleShape, options.Preprocessing))
            {
                Derived++;
                yield return derived;
            }
        }
    }

    /// <summary>How many samples <see cref="Calibration"/> yields from <paramref name="photos"/> image files: augmentation tops
    /// them up to the cap; without it, every <see cref="HoldBackEvery"/>th (at most <see cref="MaxEvaluationSamples"/>) is held back.</summary>
    public static int CalibratedFromPhotos(int photos, CalibrationOptions options)
    {
        int max = Math.Max(1, options.MaxSamples);
        return options.Augment == CalibrationAugment.Auto ? max : Math.Min(max, photos - Math.Min(MaxEvaluationSamples, photos / HoldBackEvery));
    }

    /// <summary>For meta.json and note.txt: "4 photos + 28 derived (crops, mirror images)".</summary>
    public string Describe() => Derived == 0 ? $"{Original} samples" : $"{Original} original + {Derived} derived (crops and mirror images)";
}

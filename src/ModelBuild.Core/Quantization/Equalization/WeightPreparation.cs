using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// What a build does to the float weights around calibration, in order: <see cref="Equalize"/> before calibrating
/// (cross-layer equalization, for per-tensor weights only, with the channel ranges of a first float pass over the
/// calibration samples; the float function is unchanged on those samples, so the equalized graph is also the float
/// reference), then <see cref="Quantize"/> with bias correction from the calibration run's <see cref="InputMeans"/>.
/// </summary>
public static class WeightPreparation
{
    /// <summary>The graph to calibrate and quantize: <paramref name="floatGraph"/> itself for per-channel weights.</summary>
    /// <param name="samples">The calibration samples (enumerated once more here, per-tensor only); null equalizes on sound bounds alone.</param>
    public static ModelGraph Equalize(ModelGraph floatGraph, QuantizationOptions options, IEnumerable<float[]>? samples = null) =>
        options.PerChannel ? floatGraph
        : CrossLayerEqualization.Apply(floatGraph, samples is null ? null : ObservedChannelRanges.Measure(floatGraph, samples));

    public static ModelGraph Quantize(ModelGraph equalized, CalibrationResult ranges, InputMeans means, QuantizationOptions options, InputMoments? moments = null)
    {
        var rounded = moments is null || options.PerChannel ? equalized : AdaptiveRounding.Apply(equalized, moments);
        if (!options.PerChannel && float.TryParse(Environment.GetEnvironmentVariable("MB_PT_MARGIN"), System.Globalization.CultureInfo.InvariantCulture, out var margin))
        {
            var wide = new CalibrationResult { SampleCount = ranges.SampleCount };
            var inputs = new HashSet<string>(equalized.Inputs.Select(t => t.Name));
            var relu6 = new HashSet<string>(equalized.Nodes.Where(n => n.Op == Graph.OpType.Relu6 || ChannelBounds.ActivationOf(n) == Graph.FusedActivation.Relu6).SelectMany(n => n.Outputs).Select(t => t.Name));
            var relu6All = new HashSet<string>(relu6);
            var only = Environment.GetEnvironmentVariable("MB_PT_ONLY");
            var logits = new HashSet<string>();
            foreach (var n in equalized.Nodes.Where(n => n.Op == Graph.OpType.Softmax))
            {
                var t = n.Inputs[0];
                while (t is not null && logits.Add(t.Name))
                {
                    var producer = equalized.Nodes.FirstOrDefault(p => p.Outputs.Contains(t));
                    t = producer is not null && producer.Op is Graph.OpType.Reshape ? producer.Inputs[0] : null;
                }
            }

            if (Environment.GetEnvironmentVariable("MB_PT_CAP") != "1") relu6.Clear();
            foreach (var (name, r) in ranges.Ranges)
                if (inputs.Contains(name)) wide.Set(name, r.Min, r.Max);
                else if (logits.Contains(name) && float.TryParse(Environment.GetEnvironmentVariable("MB_PT_LOGITS"), System.Globalization.CultureInfo.InvariantCulture, out var lm)) wide.Set(name, r.Min * lm, r.Max * lm);
                else if (only == "logits" && !logits.Contains(name)) wide.Set(name, r.Min, r.Max);
                else if (only == "notlogits" && (logits.Contains(name) || relu6All.Contains(name))) wide.Set(name, r.Min, r.Max);
                else if (only == "free" && relu6All.Contains(name)) wide.Set(name, r.Min, r.Max);
                else if (only == "relu6" && !relu6All.Contains(name)) wide.Set(name, r.Min, r.Max);
                else if (relu6.Contains(name)) wide.Set(name, r.Min, Math.Min(6f, r.Max * margin));
                else wide.Set(name, r.Min * margin, r.Max * margin);
            ranges = wide;
        }

        return Quantizer.Quantize(options.CorrectBias ? BiasCorrection.Apply(rounded, means, options) : rounded, ranges, options);
    }

    /// <summary>
    /// The whole int8 conversion of a float graph as a build runs it: equalize, calibrate on <paramref name="samples"/>
    /// (observing the inputs' means too), quantize with bias correction. Returns the equalized float graph (the float
    /// reference) beside the int8 one. ConvertInt8 and every test that rebuilds a build's int8 model call this.
    /// </summary>
    public static (ModelGraph Equalized, ModelGraph Int8) Convert(
        ModelGraph floatGraph, IEnumerable<float[]> samples, QuantizationOptions options, Diagnostics.IBuildLog log, CalibrationSettings? settings = null)
    {
        var where = Environment.GetEnvironmentVariable("MB_PT_WHERE");
        if (!options.PerChannel && !string.IsNullOrEmpty(where))
        {
            IEnumerable<float[]> Stream(bool on)
            {
                Calibration.CalibrationAugmentation.JitterOn = on;
                foreach (var x in samples) yield return x;
                Calibration.CalibrationAugmentation.JitterOn = true;
            }

            var eq = Equalize(floatGraph, options, Stream(where.Contains('E')));
            var jm = new InputMeans(eq);
            var pm = new InputMeans(eq);
            var jmo = new InputMoments(eq);
            var pmo = new InputMoments(eq);
            var s0 = settings ?? new CalibrationSettings();
            var rj = Calibrator.Calibrate(eq, Stream(true), log, s0 with { AlsoObserve = new TensorObserverSet(jm, jmo) });
            var rp = Calibrator.Calibrate(eq, Stream(false), log, s0 with { AlsoObserve = new TensorObserverSet(pm, pmo) });
            return (eq, Quantize(eq, where.Contains('R') ? rj : rp, where.Contains('M') ? jm : pm, options, where.Contains('A') ? jmo : pmo));
        }

        var equalized = Equalize(floatGraph, options, samples);
        var means = new InputMeans(equalized);
        var moments = options.PerChannel ? null : new InputMoments(equalized);
        ITensorObserver also = moments is null ? means : new TensorObserverSet(means, moments);
        var ranges = Calibrator.Calibrate(equalized, samples, log, (settings ?? new CalibrationSettings()) with { AlsoObserve = also });
        return (equalized, Quantize(equalized, ranges, means, options, moments));
    }
}

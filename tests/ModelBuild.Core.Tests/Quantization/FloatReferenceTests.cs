using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.Core.Tests.TestGraphs;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Quantization;

/// <summary>The float values a calibration pass keeps of its first samples for the accuracy report, and the report made from them.</summary>
[TestClass]
public sealed class FloatReferenceTests
{
    private static string _dir = "";
    private static ModelGraph _float = null!, _int8 = null!;
    private static List<float[]> _samples = [];
    private static FloatReference _kept = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = RepoPaths.NewScratchDirectory("float-reference");
        _float = KerasModelReaderFor(Path.Combine(_dir, "small.h5"));
        _samples = SmallKerasTestGraphs.ClassifierInputs(9, seed: 2);
        _kept = new FloatReference(4);
        // Batches of 4 (the default): the first four samples are kept from the first batch, whatever follows.
        var ranges = Calibrator.Calibrate(_float, _samples, new RecordingBuildLog(), new CalibrationSettings { Reference = _kept });
        _int8 = Quantizer.Quantize(_float, ranges);
    }

    private static ModelGraph KerasModelReaderFor(string h5) => Core.Keras.KerasModelReader.Read(SmallKerasTestGraphs.Classifier(h5));

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    public void Calibration_keeps_every_tensor_of_its_first_samples_as_a_float_run_gives_them()
    {
        var reference = new FloatReference(3);
        Calibrator.Calibrate(_float, _samples, new RecordingBuildLog(), new CalibrationSettings { Reference = reference });

        Assert.IsTrue(reference.Holds(_float, _samples[..3]));
        var executor = new FloatExecutor(_float);
        foreach (var (sample, b) in _samples.Take(3).Select((s, b) => (s, b)))
        {
            var all = new Dictionary<string, float[]>();
            executor.Run(new Dictionary<Tensor, float[]> { [_float.Inputs[0]] = sample }, 1, new Recorder(all));
            Assert.IsGreaterThan(3, all.Count, "every runtime tensor is compared");
            foreach (var (name, values) in all)
                CollectionAssert.AreEqual(values, reference.Value(name, b), $"sample {b}, tensor {name}");
        }

        Assert.IsNull(reference.Value(_float.Outputs[0].Name, 3), "only the first three are kept");
    }

    [TestMethod]
    public void Values_of_other_inputs_are_not_held_and_are_dropped()
    {
        var reference = new FloatReference(4);
        Calibrator.Calibrate(_float, _samples, new RecordingBuildLog(), new CalibrationSettings { Reference = reference });

        Assert.IsFalse(reference.Holds(_float, [_samples[0], _samples[5]]), "sample 5 was not among the first four");
        Assert.IsNull(reference.Value(_float.Outputs[0].Name, 0));
    }

    [TestMethod]
    public void A_report_from_kept_values_is_the_report_of_a_float_run_on_the_same_inputs()
    {
        var inputs = _samples[..4];
        var run = AccuracyEvaluator.Evaluate(_float, _int8, inputs, heldOut: false, minSqnrDb: 10);
        var fromKept = AccuracyEvaluator.Evaluate(_float, _int8, inputs, heldOut: false, minSqnrDb: 10, _kept);

        Assert.AreEqual(run.Report.Model, fromKept.Report.Model);
        CollectionAssert.AreEqual(run.Report.WorstLayers.ToList(), fromKept.Report.WorstLayers.ToList());
        Assert.AreEqual(run.Report.MostLoss, fromKept.Report.MostLoss);
        for (int b = 0; b < inputs.Count; b++)
        {
            CollectionAssert.AreEqual(run.FloatOutputs[b], fromKept.FloatOutputs[b], $"input {b}");
            CollectionAssert.AreEqual(run.Int8Outputs[b], fromKept.Int8Outputs[b], $"input {b}");
        }
    }

    [TestMethod]
    public void A_reference_is_kept_only_within_the_budget()
    {
        long per = FloatReference.BytesPerInput(_float);
        var shape = _float.Nodes[0].Outputs[0];
        Assert.IsGreaterThanOrEqualTo(shape.ElementCount * sizeof(float), per, "at least the first node's output");
        int fits = (int)Math.Min(int.MaxValue, FloatReference.BudgetBytes / per);

        Assert.AreEqual(fits, FloatReference.Within(_float, fits)!.Capacity);
        Assert.IsNull(FloatReference.Within(_float, fits + 1));
    }

    private sealed class Recorder(Dictionary<string, float[]> values) : ITensorObserver
    {
        public void Observe(Tensor tensor, ReadOnlySpan<float> v, int batch) => values[tensor.Name] = v.ToArray();
    }
}

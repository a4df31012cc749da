using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.Core.Tests.TestGraphs;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Quantization;

/// <summary>The float and the int8 model of a small classifier on the same inputs: the outputs returned, the model's figures, the per-tensor rows.</summary>
[TestClass]
public sealed class AccuracyEvaluatorTests
{
    private static string _dir = "";
    private static ModelGraph _float = null!, _int8 = null!;
    private static List<float[]> _inputs = [];
    private static AccuracyEvaluator.Result _result = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = RepoPaths.NewScratchDirectory("accuracy-evaluator");
        (_float, _int8) = SmallKerasTestGraphs.FloatAndInt8(SmallKerasTestGraphs.Classifier(Path.Combine(_dir, "small.h5")), SmallKerasTestGraphs.ClassifierInputs(8));
        _inputs = SmallKerasTestGraphs.ClassifierInputs(3, seed: 1);
        _result = AccuracyEvaluator.Evaluate(_float, _int8, _inputs, heldOut: true, minSqnrDb: 10);
    }

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    public void Float_outputs_are_each_inputs_own_float_run()
    {
        Assert.HasCount(3, _result.FloatOutputs);
        for (int i = 0; i < _inputs.Count; i++)
            NumericAssert.Close(new FloatExecutor(_float).Run(_inputs[i]), _result.FloatOutputs[i], 1e-6, $"input {i}: run in one batch vs alone");
    }

    [TestMethod]
    public void Int8_outputs_are_each_inputs_own_int8_run()
    {
        var executor = new Int8Executor(_int8);
        for (int i = 0; i < _inputs.Count; i++)
            CollectionAssert.AreEqual(executor.Run(QuantParamMath.QuantizeAffine(_inputs[i], _int8.Inputs[0].Quant!)), _result.Int8Outputs[i], $"input {i}");
    }

    [TestMethod]
    public void The_model_figures_compare_those_outputs()
    {
        var agreement = new OutputAgreement();
        for (int i = 0; i < _inputs.Count; i++)
            agreement.Add(_result.FloatOutputs[i], QuantParamMath.DequantizeAffine(_result.Int8Outputs[i], _int8.Outputs[0].Quant!));

        Assert.AreEqual(AgreementFigures.Of(agreement, classifier: true), _result.Report.Model);
        Assert.IsGreaterThan(20.0, _result.Report.Model.SqnrDb!.Value, "a small model quantizes well");
    }

    [TestMethod]
    public void The_report_records_the_inputs_held_out_and_the_minimum()
    {
        Assert.AreEqual((3, true, 10.0), (_result.Report.Samples, _result.Report.HeldOut, _result.Report.MinSqnrDb));
    }

    [TestMethod]
    public void A_two_class_output_counts_top1_agreement()
    {
        Assert.IsNotNull(_result.Report.Model.Top1Agree);
        Assert.IsLessThanOrEqualTo(3, _result.Report.Model.Top1Agree!.Value);
    }

    [TestMethod]
    public void Worst_tensors_are_the_lowest_sqnr_first_named_by_their_keras_layer()
    {
        var worst = _result.Report.WorstLayers;

        Assert.IsTrue(worst.Count is > 0 and <= AccuracyEvaluator.WorstLayerCount);
        var dbs = worst.Select(l => l.SqnrDb ?? double.PositiveInfinity).ToList();
        CollectionAssert.AreEqual(dbs.Order().ToList(), dbs);
        CollectionAssert.IsSubsetOf(worst.Select(l => l.Layer).ToArray(), new[] { "conv", "conv_2", "gap", "dense" });
    }
}

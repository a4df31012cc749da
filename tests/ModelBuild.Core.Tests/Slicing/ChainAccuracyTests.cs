using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.Core.Tests.TestGraphs;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Slicing;

/// <summary>
/// Every combo's chain of .tflite files, written from a small classifier's int8 model cut in three, run on the first
/// input and compared with the whole int8 and the float model's outputs.
/// </summary>
[TestClass]
public sealed class ChainAccuracyTests
{
    private static string _dir = "";
    private static string _store = "";
    private static CutPlan _plan = null!;
    private static ModelGraph _int8 = null!;
    private static List<float[]> _inputs = [];
    private static AccuracyEvaluator.Result _whole = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = RepoPaths.NewScratchDirectory("chain-accuracy");
        var (graph, int8) = SmallKerasTestGraphs.FloatAndInt8(SmallKerasTestGraphs.Classifier(Path.Combine(_dir, "small.h5")), SmallKerasTestGraphs.ClassifierInputs(8));
        _int8 = int8;
        _plan = BudgetPlanner.Plan(graph, 7, new PlannerOptions { Cuts = SmallKerasTestGraphs.ClassifierCuts });
        _store = Directory.CreateDirectory(Path.Combine(_dir, "store")).FullName;
        foreach (var m in ComboPlan.DistinctModels(ComboPlan.Build(_plan)))
            File.WriteAllBytes(Path.Combine(_store, m.FileName), TfLiteWriter.Write(GraphSlicer.Slice(int8, m.FromTensor, m.ToTensor)));
        _inputs = SmallKerasTestGraphs.ClassifierInputs(3, seed: 2);
        _whole = AccuracyEvaluator.Evaluate(graph, int8, _inputs, heldOut: true, minSqnrDb: 0);
    }

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static Dictionary<string, ChainFigures> Evaluate(AccuracyEvaluator.Result whole) =>
        ChainAccuracy.Evaluate(_store, _plan, _int8.Inputs[0].Quant!, _inputs, whole);

    [TestMethod]
    public void Every_combo_folder_gets_figures()
    {
        CollectionAssert.AreEquivalent(ComboPlan.Build(_plan).Select(c => c.Folder).ToArray(), Evaluate(_whole).Keys.ToArray());
    }

    [TestMethod]
    public void Chains_written_from_the_whole_int8_model_match_it_bit_for_bit()
    {
        Assert.IsTrue(Evaluate(_whole).Values.All(f => f.MatchesModel));
    }

    [TestMethod]
    public void A_chain_whose_output_differs_from_the_whole_int8_model_is_reported()
    {
        var changed = _whole.Int8Outputs.Select(o => (sbyte[])o.Clone()).ToList();
        changed[0][0] = (sbyte)(changed[0][0] ^ 1);

        Assert.IsTrue(Evaluate(_whole with { Int8Outputs = changed }).Values.All(f => !f.MatchesModel));
    }

    [TestMethod]
    public void Figures_are_over_the_first_input_against_its_float_output()
    {
        var figures = Evaluate(_whole)[ComboPlan.FullSplitFolder].Figures;

        Assert.AreEqual(1, figures.Inputs);
        var agreement = new OutputAgreement();
        agreement.Add(_whole.FloatOutputs[0], QuantParamMath.DequantizeAffine(_whole.Int8Outputs[0], _int8.Outputs[0].Quant!));
        Assert.AreEqual(AgreementFigures.Of(agreement, classifier: true), figures, "a chain that matches bit for bit has the whole model's figures on that input");
    }

    [TestMethod]
    public void A_cancelled_evaluation_stops()
    {
        Assert.ThrowsExactly<OperationCanceledException>(() =>
            ChainAccuracy.Evaluate(_store, _plan, _int8.Inputs[0].Quant!, _inputs, _whole, new CancellationToken(canceled: true)));
    }
}

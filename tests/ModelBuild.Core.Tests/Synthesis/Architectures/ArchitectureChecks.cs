using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthArchitectureTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>
/// The checks every keras.applications family of Synthesis/Architectures passes, on its model synthesized once per
/// run (TestGraphs/SynthArchitectureTestGraphs): keras.applications' figures, the file read back computing what the
/// synthesizer computed, and its int8 model in TFLite 2.9, whole and as a chain of segments.
/// </summary>
internal static class ArchitectureChecks
{
    /// <summary>model.count_params() (moving statistics included), the model's name and len(model.layers).</summary>
    public static void HasKerasApplicationsCounts(SynthArchitecture arch, string modelName, long parameters, int layers)
    {
        var file = Get(arch).File;
        Assert.AreEqual(parameters, KerasFileContents.CountParameters(file), "model.count_params(), moving statistics included");
        var config = KerasFileContents.ModelConfig(file);
        Assert.AreEqual(modelName, config["config"]!["name"]!.GetValue<string>());
        Assert.HasCount(layers, config["config"]!["layers"]!.AsArray(), "len(model.layers)");
    }

    /// <summary>The layer names of the written file, in model.layers order.</summary>
    public static List<string> Names(SynthArchitecture arch) => [.. KerasFileContents.LayerNames(Get(arch).File)];

    /// <summary>Our reader and FloatExecutor on the written file give the synthesizer's own softmax; a named tensor has its shape.</summary>
    public static void ReadsBackComputingAsSynthesized(SynthArchitecture arch, string someTensor, int[] itsShape)
    {
        var s = Get(arch);
        CollectionAssert.AreEqual(itsShape, s.Graph.FindTensor(someTensor).Shape, someTensor);
        var actual = new FloatExecutor(s.Graph).Run(s.Image);
        Assert.IsTrue(actual.All(float.IsFinite), "finite float outputs");
        NumericAssert.Close(s.Expected, actual, 1e-4, $"{arch}: softmax, synthesizer's forward pass vs the file in the FloatExecutor");
    }

    /// <summary>The int8 model (calibrated, quantized per channel) in TFLite 2.9 gives exactly what our Int8Executor gives, and not a constant.</summary>
    public static void Int8RunsInTfLiteAsInOurExecutor(SynthArchitecture arch)
    {
        var s = Get(arch);
        var input = Int8TestHelpers.Quantize(s.Image, s.Int8.Inputs[0].Quant!);
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(s.Int8));
        var fromTfLite = TfLiteInterpreter.AsInt8(tflite.RunArrays([input])[0]);
        var fromOurs = new Int8Executor(s.Int8).Run(input);
        NumericAssert.Int8Identical(fromOurs, fromTfLite, $"{arch}: int8 model, TFLite 2.9 vs Int8Executor");
        Assert.IsGreaterThan(1, fromTfLite.Distinct().Count(), $"{arch}: the int8 output is not a constant");
    }

    /// <summary>
    /// Random weights make a deep network chaotic: int8 rounding noise grows cell after cell (NASNetMobile's logits
    /// end near 6 dB), so int8 is held against float a few blocks in, where every op of the family has run.
    /// </summary>
    public static void Int8StaysCloseToFloatAt(SynthArchitecture arch, string earlyTensor, double minimumDb = 20.0)
    {
        var s = Get(arch);
        var floats = new TensorValues(earlyTensor);
        new FloatExecutor(s.Graph).Run(new Dictionary<Tensor, float[]> { [s.Graph.Inputs[0]] = s.Image }, 1, floats);
        float[]? early = null;
        new Int8Executor(s.Int8).Run(new Dictionary<Tensor, sbyte[]> { [s.Int8.Inputs[0]] = Int8TestHelpers.Quantize(s.Image, s.Int8.Inputs[0].Quant!) }, (t, v) =>
        {
            if (t.Name == earlyTensor) early = Int8TestHelpers.Dequantize(v, t.Quant!);
        });
        double sqnr = SqnrDb(floats.Values!, early!);
        Console.WriteLine($"{arch}: {earlyTensor} int8 vs float SQNR {sqnr:F1} dB");
        Assert.IsGreaterThan(minimumDb, sqnr, $"{arch}: {earlyTensor} int8 vs float");
    }

    /// <summary>The budget planner's segments, chained in TFLite 2.9, give exactly the unsegmented int8 model's output.</summary>
    public static void ChainOfSegmentsGivesTheWholeModelsOutput(SynthArchitecture arch, int budgetMiB, int segments)
    {
        var s = Get(arch);
        var plan = BudgetPlanner.Plan(s.Graph, budgetMiB);
        Console.WriteLine($"{arch} at {budgetMiB} MiB: K = {plan.K}, cuts {string.Join(", ", plan.Cuts.Select(c => c.Tensor))}");
        Assert.AreEqual(segments, plan.K, $"{arch}: segments at {budgetMiB} MiB");

        var input = Int8TestHelpers.Quantize(s.Image, s.Int8.Inputs[0].Quant!);
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(s.Int8));
        var whole = TfLiteInterpreter.AsInt8(tflite.RunArrays([input])[0]);
        var chain = plan.Segments.Select(g => ($"seg{g.Index}", TfLiteWriter.Write(GraphSlicer.Slice(s.Int8, g.FromTensor, g.ToTensor)))).ToList();
        CollectionAssert.AreEqual(whole, TfLiteChain.Run(chain, input), $"{arch}: seg1 → … → seg{plan.K} in TFLite vs the unsegmented int8 model");
    }

    private static double SqnrDb(float[] reference, float[] approximation)
    {
        double signal = 0, noise = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            signal += (double)reference[i] * reference[i];
            noise += ((double)reference[i] - approximation[i]) * (reference[i] - approximation[i]);
        }

        return 10 * Math.Log10(signal / Math.Max(noise, 1e-30));
    }

    /// <summary>The float values of one tensor.</summary>
    private sealed class TensorValues(string name) : ITensorObserver
    {
        public float[]? Values { get; private set; }

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
        {
            if (tensor.Name == name) Values = values.ToArray();
        }
    }
}

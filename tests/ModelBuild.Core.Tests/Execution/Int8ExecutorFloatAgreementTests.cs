using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>
/// Every int8 kernel computes what its float op computes, to within quantization error: the int8 output,
/// dequantized, is within 2 output steps (plus a weight-rounding allowance) of the float op run on the
/// dequantized int8 input.
/// </summary>
[TestClass]
public sealed class Int8ExecutorFloatAgreementTests
{
    public static IEnumerable<object[]> Cases => Int8OneOpModels.All().Select(c => new object[] { c.Name });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void OneOpInt8MatchesFloat(string name)
    {
        var floatGraph = Int8OneOpModels.All().Single(c => c.Name == name).Graph;
        // Calibrated on the very inputs tested below (the first 3 of seed 11), so no value saturates.
        var ranges = CalibrateRandom(floatGraph, 6, seed: 11);
        var int8 = Quantizer.Quantize(floatGraph, ranges);
        var int8Exec = new Int8Executor(int8);
        var floatExec = new FloatExecutor(floatGraph);
        var r = new Random(11);
        var amp = Int8OneOpModels.Amplitudes(floatGraph);
        double worst = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            var inputs = RandomInputs(floatGraph, amp, r);
            var qIn = int8.Inputs.Select((t, i) => Quantize(inputs[floatGraph.Inputs[i]], t.Quant!)).ToList();
            var deq = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < qIn.Count; i++) deq[floatGraph.Inputs[i]] = Dequantize(qIn[i], int8.Inputs[i].Quant!);
            var expected = floatExec.Run(deq)[floatGraph.Outputs[0]];
            var outQ = int8.Outputs[0].Quant!;
            var actual = Dequantize(int8Exec.Run(qIn)[0], outQ);
            NumericAssert.SameLengthAndFinite(expected, actual, $"{name}: float vs int8 output");
            float maxAbs = expected.Max(Math.Abs);
            double tol = 2.01 * outQ.Scale[0] + 0.02 * maxAbs;
            for (int i = 0; i < expected.Length; i++)
            {
                double err = Math.Abs(expected[i] - actual[i]);
                worst = Math.Max(worst, err / tol);
                Assert.IsLessThanOrEqualTo(tol, err, $"{name}: element {i}: float {expected[i]}, int8 {actual[i]} (output scale {outQ.Scale[0]})");
            }
        }

        Console.WriteLine($"{name}: worst error {worst:P0} of tolerance");
    }
}

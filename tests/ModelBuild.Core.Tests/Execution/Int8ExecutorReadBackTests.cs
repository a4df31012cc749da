using ModelBuild.Core.Execution;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>
/// The Int8Executor runs .tflite files read back with TfLiteReader (how artifacts are chained) exactly as it runs
/// the quantizer's graph in memory.
/// </summary>
[TestClass]
public sealed class Int8ExecutorReadBackTests
{
    public static IEnumerable<object[]> Cases => Int8OneOpModels.All().Select(c => new object[] { c.Name });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ReadBackModelRunsIdentically(string name)
    {
        var floatGraph = Int8OneOpModels.All().Single(c => c.Name == name).Graph;
        var int8 = Quantizer.Quantize(floatGraph, CalibrateRandom(floatGraph, 4, 11));
        var readBack = TfLiteReader.Read(TfLiteWriter.Write(int8));
        var a = new Int8Executor(int8);
        var b = new Int8Executor(readBack);
        var r = new Random(2);
        for (int trial = 0; trial < 3; trial++)
        {
            var inputs = int8.Inputs.Select(t => RandomInt8((int)t.ElementCount, r)).ToList();
            CollectionAssert.AreEqual(a.Run(inputs)[0], b.Run(inputs)[0], name);
        }
    }
}

using ModelBuild.TestSupport.Fuzzing;

namespace ModelBuild.Core.Tests.Fuzzing;

/// <summary>Damaged copies of a real int8 .tflite through <see cref="Core.TfLite.TfLiteReader"/>: a graph or MB1015/MB1016 naming the file, nothing else.</summary>
[TestClass]
public sealed class TfLiteReaderFuzzTests
{
    [TestMethod]
    public void Damaged_tflite_files_give_a_graph_or_an_MB_error() =>
        FuzzAssert.NoBadOutcome(FuzzAssert.Target("13_mnist_int8.tflite"), 20_261_502);

    /// <summary>The inputs of the first fuzz runs that escaped as InvalidDataException (truncation, seed 4; an operator code index, 108) and ArgumentOutOfRangeException (options tables pointing outside the file, 1270 and 2675).</summary>
    [TestMethod]
    [DataRow(4), DataRow(108), DataRow(1270), DataRow(2675)]
    public void The_inputs_that_found_bugs_are_MB1015(int seed)
    {
        var outcome = new ReaderFuzzer(FuzzAssert.Target("13_mnist_int8.tflite"), TestSupport.RepoPaths.NewScratchDirectory("fuzz-replay"), FuzzAssert.PerInputLimit).Run(seed);
        Assert.AreEqual(FuzzOutcomeKind.ModelBuildError, outcome.Kind, outcome.ToString());
        Assert.AreEqual("MB1015", outcome.Detail, outcome.ToString());
    }
}

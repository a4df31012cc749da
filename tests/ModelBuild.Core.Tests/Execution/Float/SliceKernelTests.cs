using System.Runtime.InteropServices;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Tests.Operators;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using static ModelBuild.Core.Tests.TfLite.TfLiteTestModels;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>SLICE in float: the window of every sample of a batch (as calibration runs it), and the same as TFLite 2.9.</summary>
[TestClass]
public sealed class SliceKernelTests
{
    [TestMethod]
    public void Float_slice_copies_the_window_of_every_sample_in_a_batch()
    {
        var g = SliceDefinitionTests.OneSlice([1, 7, 6, 3], [0, 2, 1, 0], [1, 4, 3, 3]);
        var x = RandomFloats(new Random(1), 2 * 7 * 6 * 3);
        var actual = new FloatExecutor(g).Run(x, batch: 2);
        CollectionAssert.AreEqual(SliceDefinitionTests.NaiveCrop(x, 2, 7, 6, 3, 2, 1, 4, 3), actual);
    }

    [TestMethod]
    public void Float_slice_written_to_tflite_runs_like_the_float_executor()
    {
        var g = SliceDefinitionTests.OneSlice([1, 7, 6, 3], [0, 1, 2, 0], [1, 5, 3, 3]);
        var x = RandomFloats(new Random(2), g.Inputs[0].ElementCount);
        var tflite = MemoryMarshal.Cast<byte, float>(RunInTfLite(g, x)[0]).ToArray();
        CollectionAssert.AreEqual(new FloatExecutor(g).Run(x), tflite);
    }
}

using ModelBuild.TestSupport.Fuzzing;

namespace ModelBuild.Core.Tests.Fuzzing;

/// <summary>
/// Damaged copies of real Keras files through the build's first step (CutStep with a work folder): each gives a plan
/// or an MBxxxx error naming the file with nothing left in the work folder — never another exception, never a hang.
/// </summary>
[TestClass]
public sealed class KerasReaderFuzzTests
{
    [TestMethod]
    public void Damaged_keras2_mnist_h5_files_give_a_plan_or_an_MB_error() =>
        FuzzAssert.NoBadOutcome(FuzzAssert.Target("13_mnist_edgetpu_tutorial_k2.h5"), 20_261_202);

    [TestMethod]
    public void Damaged_keras2_resnet8_h5_files_give_a_plan_or_an_MB_error() =>
        FuzzAssert.NoBadOutcome(FuzzAssert.Target("03_mlperf_tiny_resnet8_cifar10_k2.4.h5"), 20_261_302);

    [TestMethod]
    public void Damaged_keras3_archives_bytes_and_zip_entries_give_a_plan_or_an_MB_error()
    {
        var outcomes = FuzzAssert.NoBadOutcome(FuzzAssert.Target("15_keras3.10_potato_cnn_nested_resizing_rescaling_augmentation.keras"), 20_261_402);
        Assert.IsTrue(outcomes.Any(o => o.Mutation.StartsWith("config.json", StringComparison.Ordinal) || o.Mutation.StartsWith("drop entry", StringComparison.Ordinal)),
            "zip-entry-level mutations are among the inputs");
        Assert.IsTrue(outcomes.Any(o => o.Detail is "MB1010" or "MB1011" or "MB1012" or "MB1013"), "archive errors are reached");
    }

    /// <summary>Found by the long run: a flipped byte in the central directory escaped as System.IO.Compression's InvalidDataException (ZipArchive reads its central directory lazily, outside the reader's catch).</summary>
    [TestMethod]
    public void A_damaged_central_directory_found_by_the_long_run_is_MB1011()
    {
        var target = FuzzAssert.Target("15_keras3.10_potato_cnn_nested_resizing_rescaling_augmentation.keras");
        var outcome = new ReaderFuzzer(target, TestSupport.RepoPaths.NewScratchDirectory("fuzz-replay"), FuzzAssert.PerInputLimit).Run(4755);
        Assert.AreEqual(FuzzOutcomeKind.ModelBuildError, outcome.Kind, outcome.ToString());
        Assert.AreEqual("MB1011", outcome.Detail, outcome.ToString());
    }
}

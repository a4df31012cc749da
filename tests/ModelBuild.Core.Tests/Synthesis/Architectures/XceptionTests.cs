using ModelBuild.Core.Synthesis;
using static ModelBuild.Core.Tests.Synthesis.Architectures.ArchitectureChecks;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>
/// Xception against keras.applications (tf.keras 2.x, include_top, 1000 classes) and, at its smallest input, read back
/// by our reader and quantized: the model is synthesized once per run (TestGraphs/SynthArchitectureTestGraphs).
/// </summary>
[TestClass]
public sealed class XceptionTests
{
    private const SynthArchitecture Arch = SynthArchitecture.Xception;

    [TestMethod]
    public void Has_the_keras_applications_parameter_count_and_layer_count() => HasKerasApplicationsCounts(Arch, "xception", 22_910_480L, 134);

    [TestMethod]
    public void Reads_back_computing_what_the_synthesizer_computed() => ReadsBackComputingAsSynthesized(Arch, "block13_pool", [1, 3, 3, 1024]);

    [TestMethod]
    public void Int8_model_runs_in_tflite_as_in_our_int8_executor() => Int8RunsInTfLiteAsInOurExecutor(Arch);

    [TestMethod]
    public void Int8_stays_close_to_float_a_few_blocks_in() => Int8StaysCloseToFloatAt(Arch, "add_1");

    [TestMethod]
    public void Segments_chained_in_tflite_give_the_whole_int8_models_output() => ChainOfSegmentsGivesTheWholeModelsOutput(Arch, budgetMiB: 7, segments: 4);

    [TestMethod]
    public void Unnamed_shortcut_sits_at_the_depth_of_the_blocks_last_layers()
    {
        // As xception.summary() lists them: the unnamed 1×1 shortcut conv and its batch norm between the block's own layers.
        CollectionAssert.AreEqual(
            new[]
            {
                "block2_sepconv1", "block2_sepconv1_bn", "block2_sepconv2_act", "block2_sepconv2", "block2_sepconv2_bn",
                "conv2d", "block2_pool", "batch_normalization", "add", "block3_sepconv1_act",
            },
            Names(Arch).Skip(7).Take(10).ToArray());
    }

    [TestMethod]
    public void Layer_names_end_as_keras_applications_lists_them()
    {
        var names = Names(Arch);
        CollectionAssert.AreEqual(new[] { "block14_sepconv2_act", "avg_pool", "predictions" }, names.TakeLast(3).ToArray());
        Assert.AreEqual("add_11", names[names.IndexOf("block14_sepconv1") - 1]);
    }
}

using ModelBuild.Core.Synthesis;
using static ModelBuild.Core.Tests.Synthesis.Architectures.ArchitectureChecks;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>
/// InceptionV3 against keras.applications (tf.keras 2.x, include_top, 1000 classes) and, at its smallest input, read back
/// by our reader and quantized: the model is synthesized once per run (TestGraphs/SynthArchitectureTestGraphs).
/// </summary>
[TestClass]
public sealed class InceptionV3Tests
{
    private const SynthArchitecture Arch = SynthArchitecture.InceptionV3;

    [TestMethod]
    public void Has_the_keras_applications_parameter_count_and_layer_count() => HasKerasApplicationsCounts(Arch, "inception_v3", 23_851_784L, 313);

    [TestMethod]
    public void Reads_back_computing_what_the_synthesizer_computed() => ReadsBackComputingAsSynthesized(Arch, "mixed7", [1, 3, 3, 768]);

    [TestMethod]
    public void Int8_model_runs_in_tflite_as_in_our_int8_executor() => Int8RunsInTfLiteAsInOurExecutor(Arch);

    [TestMethod]
    public void Int8_stays_close_to_float_a_few_blocks_in() => Int8StaysCloseToFloatAt(Arch, "mixed1");

    [TestMethod]
    public void Segments_chained_in_tflite_give_the_whole_int8_models_output() => ChainOfSegmentsGivesTheWholeModelsOutput(Arch, budgetMiB: 7, segments: 5);

    [TestMethod]
    public void Branches_are_listed_by_depth_then_in_build_order()
    {
        // As inception_v3.summary() lists mixed0's branches: by depth, each depth in the order the branches were built.
        var names = Names(Arch);
        CollectionAssert.AreEqual(
            new[]
            {
                "max_pooling2d_1", "conv2d_8", "batch_normalization_8", "activation_8", "conv2d_6", "conv2d_9",
                "batch_normalization_6", "batch_normalization_9", "activation_6", "activation_9", "average_pooling2d",
                "conv2d_5", "conv2d_7", "conv2d_10", "conv2d_11",
            },
            names.Skip(names.IndexOf("activation_4") + 1).Take(15).ToArray());
    }

    [TestMethod]
    public void Layer_names_end_as_keras_applications_lists_them() =>
        CollectionAssert.AreEqual(new[] { "mixed9_1", "concatenate_1", "activation_93", "mixed10", "avg_pool", "predictions" }, Names(Arch).TakeLast(6).ToArray());
}

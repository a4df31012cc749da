using ModelBuild.Core.Synthesis;
using static ModelBuild.Core.Tests.Synthesis.Architectures.ArchitectureChecks;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>
/// DenseNet121 against keras.applications (tf.keras 2.x, include_top, 1000 classes) and, at its smallest input, read back
/// by our reader and quantized: the model is synthesized once per run (TestGraphs/SynthArchitectureTestGraphs).
/// </summary>
[TestClass]
public sealed class DenseNetTests
{
    private const SynthArchitecture Arch = SynthArchitecture.DenseNet121;

    [TestMethod]
    public void Has_the_keras_applications_parameter_count_and_layer_count() => HasKerasApplicationsCounts(Arch, "densenet121", 8_062_504L, 429);

    [TestMethod]
    public void Reads_back_computing_what_the_synthesizer_computed() => ReadsBackComputingAsSynthesized(Arch, "conv4_block24_concat", [1, 4, 4, 1024]);

    [TestMethod]
    public void Int8_model_runs_in_tflite_as_in_our_int8_executor() => Int8RunsInTfLiteAsInOurExecutor(Arch);

    [TestMethod]
    public void Int8_stays_close_to_float_a_few_blocks_in() => Int8StaysCloseToFloatAt(Arch, "pool2_pool");

    [TestMethod]
    public void Segments_chained_in_tflite_give_the_whole_int8_models_output() => ChainOfSegmentsGivesTheWholeModelsOutput(Arch, budgetMiB: 2, segments: 5);

    [TestMethod]
    public void Layer_names_follow_keras_applications_model_layers_order()
    {
        var names = Names(Arch);
        CollectionAssert.AreEqual(
            new[]
            {
                "input_1", "zero_padding2d", "conv1/conv", "conv1/bn", "conv1/relu", "zero_padding2d_1", "pool1",
                "conv2_block1_0_bn", "conv2_block1_0_relu", "conv2_block1_1_conv", "conv2_block1_1_bn", "conv2_block1_1_relu",
                "conv2_block1_2_conv", "conv2_block1_concat", "conv2_block2_0_bn",
            },
            names.Take(15).ToArray());
        CollectionAssert.AreEqual(new[] { "conv5_block16_concat", "bn", "relu", "avg_pool", "predictions" }, names.TakeLast(5).ToArray());
    }
}

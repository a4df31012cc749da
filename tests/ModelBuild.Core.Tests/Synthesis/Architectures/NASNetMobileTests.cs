using ModelBuild.Core.Synthesis;
using static ModelBuild.Core.Tests.Synthesis.Architectures.ArchitectureChecks;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>
/// NASNetMobile against keras.applications (tf.keras 2.x, include_top, 1000 classes) and, at its smallest input, read back
/// by our reader and quantized: the model is synthesized once per run (TestGraphs/SynthArchitectureTestGraphs).
/// </summary>
[TestClass]
public sealed class NASNetMobileTests
{
    private const SynthArchitecture Arch = SynthArchitecture.NASNetMobile;

    [TestMethod]
    public void Has_the_keras_applications_parameter_count_and_layer_count() => HasKerasApplicationsCounts(Arch, "NASNet", 5_326_716L, 771);

    [TestMethod]
    public void Reads_back_computing_what_the_synthesizer_computed() => ReadsBackComputingAsSynthesized(Arch, "normal_concat_12", [1, 2, 2, 1056]);

    [TestMethod]
    public void Int8_model_runs_in_tflite_as_in_our_int8_executor() => Int8RunsInTfLiteAsInOurExecutor(Arch);

    [TestMethod]
    public void Int8_stays_close_to_float_a_few_blocks_in() => Int8StaysCloseToFloatAt(Arch, "reduction_concat_stem_2");

    [TestMethod]
    public void Segments_chained_in_tflite_give_the_whole_int8_models_output() => ChainOfSegmentsGivesTheWholeModelsOutput(Arch, budgetMiB: 2, segments: 3);

    [TestMethod]
    public void Layer_names_follow_keras_applications_model_layers_order()
    {
        var names = Names(Arch);
        CollectionAssert.AreEqual(new[] { "input_1", "stem_conv1", "stem_bn1", "activation", "reduction_conv_1_stem_1" }, names.Take(5).ToArray());
        CollectionAssert.AreEqual(new[] { "normal_concat_12", "activation_187", "global_average_pooling2d", "predictions" }, names.TakeLast(4).ToArray());
        CollectionAssert.IsSubsetOf(
            new[] { "adjust_relu_1_stem_2", "zero_padding2d", "cropping2d", "concatenate", "adjust_bn_stem_2", "adjust_conv_projection_1", "separable_conv_1_pad_reduction_left1_reduce_4", "reduction_add4_reduce_8", "add_3" },
            names);
    }
}

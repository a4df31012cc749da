using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Quantization.Equalization;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// Every synthesized keras.applications family as a Keras 3 `.keras` KerasModel item of one project (small inputs:
/// 64×64, or the family's own minimum where that is larger, so one `dotnet build` covers them all; parameters, and so
/// the cuts at a budget, do not depend on the input size): every combo is laid out, each family's full_split chain run
/// in TFLite 2.9 gives exactly the unsegmented int8 model quantized in-process from the same file and photos, and the families
/// with hard-swish and squeeze-excite (MobileNetV3, EfficientNet) map every operation of every segment to the Edge
/// TPU in ModelBuild's own check. (The .h5 of each family gives the same int8 bytes as its .keras: Core's synthesizer tests.)
/// An in-process build with the real tasks (moved here from the end-to-end tests, where it was one `dotnet build`
/// process: nothing in it needs one, and the packed SDK's real builds are the end-to-end tests' other projects).
/// </summary>
[TestClass]
public sealed class ModelZooBuildTests
{
    private const int Samples = 4;

    /// <summary>ResNet101 and ResNet152 are ResNet50 with more blocks: the sample and Core's tests cover them.</summary>
    private static readonly SynthArchitecture[] Families =
        Enum.GetValues<SynthArchitecture>().Where(f => f is not (SynthArchitecture.ResNet101 or SynthArchitecture.ResNet152)).ToArray();

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Every_family_as_a_keras_archive_lays_out_every_combo_and_its_chain_equals_the_unsegmented_int8_model()
    {
        var models = Families.Select(f => (File: Name(f) + ".keras",
            Attributes: $"BudgetMiB=\"{Budget(f)}\" CalibrationData=\"calib\" CalibrationSamples=\"{Samples}\" Preprocessing=\"{KerasModelSynthesizer.PreprocessingName(f)}\"")).ToArray();
        var project = SdkProject.CreateWithTasks("<ItemGroup>" + string.Concat(models.Select(m => $"<KerasModel Include=\"{m.File}\" {m.Attributes} />")) + "</ItemGroup>");
        var calib = project.AddImages("calib", "face.jpg", "marguerite.jpg", "hot_dog.jpg", "cat.bmp");
        foreach (var family in Families)
            KerasModelSynthesizer.Write(Path.Combine(project.Directory_, Name(family) + ".keras"), family, seed: 1,
                new SynthOptions { InputSize = InputSize(family), CalibrationSize = InputSize(family), Classes = 10, Format = SynthFileFormat.KerasArchive });

        var build = project.BuildModels();
        build.AssertSucceeded("build of every family");
        TestContext.WriteLine($"build of {Families.Length} families: {build.Elapsed.TotalSeconds:F1} s");

        foreach (var family in Families)
        {
            var name = Name(family);
            var meta = project.Meta(name);
            Assert.IsGreaterThanOrEqualTo(2, meta.SegmentCount, $"{name}: the budget cuts the model");
            CollectionAssert.AreEquivalent(
                new[] { "full_split" }.Concat(Enumerable.Range(2, meta.SegmentCount - 1).Select(k => $"pairs_k{k}")).ToList(),
                Directory.GetDirectories(Path.Combine(project.OutDir, name)).Select(Path.GetFileName).ToList(), $"{name}: every combo");

            var first = meta.Models.OrderBy(m => m.Order).First().Inputs.Single();
            var preprocessing = PreprocessingModes.Parse(KerasModelSynthesizer.PreprocessingName(family));
            var input = UnsegmentedInt8.Photo("hot_dog.jpg", first, preprocessing);
            var chain = TfLiteChain.RunComboSteps(Path.Combine(project.OutDir, name, "full_split"), input)[^1];
            var model = Path.Combine(project.Directory_, name + ".keras");
            using var whole = TfLiteRuntime.Load(UnsegmentedInt8.Model(model, calib, first.Shape, preprocessing, Samples));
            CollectionAssert.AreEqual(whole.RunInt8(input), chain, $"{name}: full_split chain vs the unsegmented int8 model");

            if (family is SynthArchitecture.EfficientNetB0 or SynthArchitecture.MobileNetV3Small or SynthArchitecture.MobileNetV3Large)
                foreach (var m in meta.Models)
                    Assert.AreEqual(0, m.EdgeTpuCheck!.OperationsOnCpu,
                        $"{name}/{m.File}: " + string.Join("; ", m.EdgeTpuCheck.CpuOperations.Select(o => $"{o.Operator} '{o.Output}': {o.Reason}")));
        }
    }

    private static string Name(SynthArchitecture family) => family.ToString().ToLowerInvariant();

    /// <summary>64×64 (as Core's synthesizer tests use), or the family's minimum (Xception 71, InceptionV3 75).</summary>
    private static int InputSize(SynthArchitecture family) => Math.Max(64, KerasModelSynthesizer.MinimumInputSize(family));

    /// <summary>About a third of the family's int8 parameters at this size, so each is cut into a few segments.</summary>
    private static string Budget(SynthArchitecture family) => family switch
    {
        SynthArchitecture.ResNet50 or SynthArchitecture.Xception or SynthArchitecture.InceptionV3 => "8",
        SynthArchitecture.DenseNet121 => "3",
        _ => "1.5",
    };
}

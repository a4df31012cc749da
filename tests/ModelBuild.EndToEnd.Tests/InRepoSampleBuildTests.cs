using System.Security.Cryptography;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Synthesis;
using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// What the sample promises (<see cref="InRepoSample"/>: `dotnet build samples/ResNet101` with an artifacts path, twice):
/// it synthesizes a missing resnet101.h5, calibrates on ../shared/images, leaves nothing but the model in its folder,
/// and a second build does nothing. Whatever the file, the build's K and cuts must be the plan of the file that is
/// there, and the seed-1 synthesis must give K = 7 with the known cuts: checked on the build when the file is that
/// synthesis (the README's first build leaves exactly it), else on the plan of a fresh synthesis.
/// </summary>
[TestClass]
public sealed class InRepoSampleBuildTests
{
    private const string SynthesizedMessage = "ModelBuild sample: resnet101.h5 is not here, so it is synthesized now";

    /// <summary>The cuts of the seed-1 ResNet101 synthesis at 7 MiB (as for Keras' ResNet101: BudgetPlannerTests).</summary>
    private static readonly string[] Seed1Cuts =
        ["conv4_block4_out", "conv4_block10_out", "conv4_block16_out", "conv4_block22_out", "conv5_block1_out", "conv5_block2_out"];

    private static InRepoSample _sample = null!;

    [ClassInitialize]
    public static void Build(TestContext context)
    {
        _sample = InRepoSample.Get();
        context.WriteLine($"sample build ({(_sample.UsersModel ? "resnet101.h5 present" : "resnet101.h5 synthesized")}): {_sample.First.Elapsed.TotalSeconds:F1} s; "
                          + $"second build: {_sample.Second.Elapsed.TotalSeconds:F1} s");
    }

    [TestMethod]
    public void Dotnet_build_of_samples_ResNet101_with_an_artifacts_path_lays_out_every_combo_and_synthesizes_a_missing_resnet101_h5()
    {
        var build = _sample.First;
        var h5 = InRepoSample.H5;
        if (_sample.UsersModel)
            TestProject.AssertOutputLacks(build, SynthesizedMessage, "a resnet101.h5 that is there is used, not replaced");
        else
            Assert.AreEqual(1, build.LinesContaining(SynthesizedMessage), "the build says it synthesized resnet101.h5");
        Assert.IsTrue(File.Exists(h5), "resnet101.h5 is in samples/ResNet101");
        bool isSeed1 = IsTheSeed1Synthesis(h5, out var seed1Plan);
        Assert.IsTrue(_sample.UsersModel || isSeed1, "the sample synthesizes byte for byte KerasModelSynthesizer's ResNet101 with seed 1");

        Assert.IsFalse(File.Exists(h5 + ".tmp"), "no half-written model left");
        CollectionAssert.AreEquivalent(_sample.EntriesBefore.Append("resnet101.h5").Distinct().ToList(), InRepoSample.Entries(InRepoSample.SampleDir),
            "nothing new in samples/ResNet101 but the model: bin and obj went to the artifacts path");

        var layout = InRepoSample.Layout;
        var full = ComboMeta.FromJson(File.ReadAllText(Path.Combine(layout, "full_split", "meta.json")));
        // ../shared is beside the repository here, so the sample calibrates on its photos (the 4 in image formats; bird.rgb is raw).
        StringAssert.Contains(full.Calibration.Source, Path.Combine("shared", "images"), "the sample calibrates from ../shared/images");
        Assert.AreEqual(4, full.Calibration.Original, "cat.bmp, face.jpg, hot_dog.jpg, marguerite.jpg");
        Assert.AreEqual((32, 28), (full.Calibration.Samples, full.Calibration.Derived), "CalibrationAugment=Auto tops four photos up to CalibrationSamples");
        Assert.IsNotNull(full.Accuracy?.Model.SqnrDb, "the accuracy report is in meta.json");
        Assert.IsTrue(full.Accuracy!.ChainMatchesModel, "the written segment chain computes the whole int8 model");
        Assert.AreEqual("caffe", full.Calibration.Preprocessing);
        TestProject.AssertOutputLacks(build, "warning MB3060", "real images, so no synthetic-calibration warning");
        // The build planned the file that is there; the seed-1 synthesis plans K = 7 with the known cuts.
        var planOfFile = BudgetPlanner.Plan(KerasModelReader.Read(h5), 7);
        Assert.AreEqual(planOfFile.K, full.K, "K of the resnet101.h5 in the folder at BudgetMiB 7");
        CollectionAssert.AreEqual(planOfFile.Cuts.Select(c => c.Tensor).ToArray(), full.Cuts.Select(c => c.Tensor).ToArray(), "the cuts of the resnet101.h5 in the folder");
        Assert.AreEqual(7, isSeed1 ? full.K : seed1Plan!.K, $"the seed-1 ResNet101 at 7 MiB ({(isSeed1 ? "this build" : "a fresh synthesis beside the user's model")})");
        CollectionAssert.AreEqual(Seed1Cuts, isSeed1 ? full.Cuts.Select(c => c.Tensor).ToArray() : seed1Plan!.Cuts.Select(c => c.Tensor).ToArray(), "the seed-1 cuts");

        var combos = InRepoSample.Combos(full.K);
        CollectionAssert.AreEquivalent(combos, Directory.GetDirectories(layout).Select(Path.GetFileName).ToList());
        foreach (var combo in combos)
        {
            var folder = Path.Combine(layout, combo);
            Assert.IsTrue(File.Exists(Path.Combine(folder, "note.txt")), $"{combo}/note.txt");
            var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(folder, "meta.json")));
            Assert.HasCount(combo == "full_split" ? full.K : int.Parse(combo["pairs_k".Length..]), meta.Models, combo);
            foreach (var m in meta.Models)
            {
                Assert.IsTrue(File.Exists(Path.Combine(folder, m.File)), $"{combo}/{m.File}");
                Assert.AreEqual("compiled", m.EdgeTpu.Status, $"{combo}/{m.File}: the stand-in on PATH compiled it");
                Assert.IsTrue(File.Exists(Path.Combine(folder, m.EdgeTpu.CompiledFile!)), $"{combo}/{m.EdgeTpu.CompiledFile}");
            }
        }
    }

    [TestMethod]
    public void A_second_build_runs_no_ModelBuild_step_compiles_nothing_and_leaves_the_outputs_untouched()
    {
        var second = _sample.Second;
        TestProject.AssertOutputContains(second, "Skipping target \"ModelBuildConvertInt8\" because all output files are up-to-date",
            "the detailed log shows the steps' up-to-date checks");
        Assert.IsEmpty(second.PipelineTasksRun, "nothing changed: ran " + string.Join(", ", second.PipelineTasksRun));
        Assert.AreEqual(0, second.LinesContaining("ModelBuild: Edge TPU: "), "no compiler message");
        Assert.HasCount(_sample.CompilationsAfterFirst, _sample.StandIn.Compilations(), "the compiler did not run again");
        CollectionAssert.AreEquivalent(_sample.AfterFirst.ToList(), _sample.AfterSecond.ToList(), "same files, same timestamps");
    }

    /// <summary>
    /// Whether <paramref name="h5"/> is byte for byte KerasModelSynthesizer's ResNet101 with seed 1; when it is not, the
    /// plan of that synthesis at 7 MiB.
    /// </summary>
    private static bool IsTheSeed1Synthesis(string h5, out CutPlan? seed1Plan)
    {
        var reference = Path.Combine(PackedSdk.Root, $"resnet101-seed1-{Guid.NewGuid():N}.h5");
        KerasModelSynthesizer.Write(reference, SynthArchitecture.ResNet101, seed: 1);
        try
        {
            bool same = SHA256.HashData(File.ReadAllBytes(reference)).AsSpan().SequenceEqual(SHA256.HashData(File.ReadAllBytes(h5)));
            seed1Plan = same ? null : BudgetPlanner.Plan(KerasModelReader.Read(reference), 7);
            return same;
        }
        finally
        {
            File.Delete(reference);
        }
    }
}

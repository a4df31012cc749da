using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Pipeline;

/// <summary>The Off/Auto/Required rules of the Edge TPU step, as the build runs them, without a compiler.</summary>
[TestClass]
public sealed class EdgeTpuStepTests
{
    private static readonly EdgeTpuCompilerLocator NoCompiler = new() { GetEnvironmentVariable = name => name == "PATH" ? "/nonexistent" : null };

    /// <summary>A work folder with plan.json and the model store of 8×8×3 → Conv2D(4, relu) → GlobalAveragePooling2D → Dense(2).</summary>
    private static readonly Lazy<(string H5, string Root)> Converted = new(() =>
    {
        var folder = RepoPaths.NewScratchDirectory("edgetpu-step");
        var h5 = new KerasTestModel()
            .Input("input", 8, 8, 3)
            .Layer("Conv2D", "conv", Cfg(("filters", 4), ("kernel_size", new JsonArray(3, 3)), ("padding", "same"), ("activation", "relu")), "input")
            .Layer("GlobalAveragePooling2D", "gap", Cfg(), "conv")
            .Layer("Dense", "dense", Cfg(("units", 2)), "gap")
            .Weight("conv", "kernel", 3, 3, 3, 4).Weight("conv", "bias", 4)
            .Weight("dense", "kernel", 4, 2).Weight("dense", "bias", 2)
            .Write(Path.Combine(folder, "small.h5"), "dense");
        var settings = new ModelBuildSettings { ModelFile = h5, CalibrationSamples = 2 };
        var work = new WorkFolder(Path.Combine(folder, "work"));
        CutStep.Run(settings, work, new RecordingBuildLog());
        ConvertStep.Run(settings, work, new RecordingBuildLog());
        return (h5, work.Root);
    });

    /// <summary>A copy of the converted work folder, so each test's Edge TPU step starts from the same state.</summary>
    private static WorkFolder FreshWork()
    {
        var root = RepoPaths.NewScratchDirectory("edgetpu-step-work");
        foreach (var file in Directory.EnumerateFiles(Converted.Value.Root, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(Converted.Value.Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return new WorkFolder(root);
    }

    [TestMethod]
    public void Auto_without_a_compiler_warns_MB4001_and_records_every_model_as_skipped()
    {
        var work = FreshWork();
        var log = new RecordingBuildLog();
        var results = EdgeTpuStep.Run(Converted.Value.H5, work, EdgeTpuMode.Auto, NoCompiler, ModelBuildDefaults.EdgeTpuTimeout, log);

        var warning = log.Warnings.Single(w => w.Code == "MB4001");
        Assert.AreEqual(Converted.Value.H5, warning.File);
        StringAssert.Contains(warning.Message, "apt-get install edgetpu-compiler");
        StringAssert.Contains(warning.Message, "x86-64 Linux");
        Assert.AreEqual("skipped", results.Default.Status);
        Assert.AreEqual(0, results.Models.Count);
        Assert.AreEqual("skipped", work.ReadEdgeTpuResults().Default.Status, "recorded in tpu/edgetpu.json for the layout");
    }

    [TestMethod]
    public void Required_without_a_compiler_is_error_MB4001_and_keeps_the_previous_results()
    {
        var work = FreshWork();
        EdgeTpuStep.Run(Converted.Value.H5, work, EdgeTpuMode.Off, NoCompiler, ModelBuildDefaults.EdgeTpuTimeout, new RecordingBuildLog());

        var e = Assert.ThrowsExactly<ModelBuildException>(() =>
            EdgeTpuStep.Run(Converted.Value.H5, work, EdgeTpuMode.Required, NoCompiler, ModelBuildDefaults.EdgeTpuTimeout, new RecordingBuildLog()));

        Assert.AreEqual(("MB4001", Converted.Value.H5), (e.Code, e.File));
        StringAssert.Contains(e.Message, "EdgeTpu=\"Required\" makes this an error.");
        Assert.AreEqual("off", work.ReadEdgeTpuResults().Default.Status, "the failed step left the earlier tpu/ folder as it was");
        Assert.AreEqual(0, Directory.GetDirectories(work.Root, "*.staging-*").Length, "no staging folder left behind");
    }

    [TestMethod]
    public void Off_records_off_without_looking_for_a_compiler()
    {
        var work = FreshWork();
        var log = new RecordingBuildLog();
        var lookedUp = false;
        var locator = new EdgeTpuCompilerLocator { GetEnvironmentVariable = _ => { lookedUp = true; return null; } };

        var results = EdgeTpuStep.Run(Converted.Value.H5, work, EdgeTpuMode.Off, locator, ModelBuildDefaults.EdgeTpuTimeout, log);

        Assert.IsFalse(lookedUp);
        Assert.IsFalse(log.Warnings.Any(w => w.Code == "MB4001"));
        Assert.AreEqual("off", results.Default.Status);
        Assert.IsNotNull(results.Checks, "ModelBuild's own check runs whatever the mode");
    }
}

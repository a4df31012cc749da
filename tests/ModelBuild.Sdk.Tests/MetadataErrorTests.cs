using System.Text;
using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// Wrong KerasModel metadata and bad inputs, through in-process builds of the SDK's targets with the real tasks: each
/// fails the build with its MB code, names the file to fix by its full path, shows no stack trace and leaves nothing in
/// bin. Every metadata mistake is its own KerasModel item of one build (each model runs in its own project instance,
/// so one error cannot hide another). (Moved here from the end-to-end tests, where each was a `dotnet build` process.)
/// </summary>
[TestClass]
public sealed class MetadataErrorTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";

    /// <summary>
    /// Item file, its metadata, the code expected, the file named (the .csproj for a value set there; the .h5 for a cut
    /// the model does not have; the calibration file that does not fit), text the message must hold, and whether the
    /// mistake is caught before any step runs (metadata and calibration paths are checked up front).
    /// </summary>
    private static readonly (string Model, string Attributes, string Code, string NamedFile, string Says, bool BeforeAnyStep)[] Mistakes =
    [
        ("budget_abc.h5", "BudgetMiB=\"abc\"", "MB2001", "models.csproj", "BudgetMiB='abc'", true),
        ("budget_zero.h5", "BudgetMiB=\"0\"", "MB2001", "models.csproj", "BudgetMiB='0'", true),
        ("quantization.h5", "Quantization=\"Bogus\"", "MB3050", "models.csproj", "Quantization='Bogus'", true),
        ("edgetpu.h5", "EdgeTpu=\"Sometimes\"", "MB4005", "models.csproj", "Sometimes", true),
        ("calib_empty.h5", "CalibrationData=\"empty\"", "MB3055", "models.csproj", "CalibrationData 'empty'", true),
        ("calib_missing.h5", "CalibrationData=\"no-such-folder\"", "MB3054", "models.csproj", "CalibrationData 'no-such-folder'", true),
        ("calib_shape.h5", "CalibrationData=\"wrong_shape.npy\"", "MB3053", "wrong_shape.npy", "(2, 16, 16, 3)", false),
        ("cuts.h5", "Cuts=\"activation_1\"", "MB2003", "cuts.h5", "'activation_1' is not a place the model can be cut", false),
    ];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Wrong_metadata_and_calibration_inputs_fail_with_their_MB_code_naming_the_file_and_leave_no_outputs()
    {
        // A KerasModel that does not exist (MB5003, before any step) is ActivationTests'.
        var items = Mistakes.Select(m => $"<KerasModel Include=\"{m.Model}\" {(m.Attributes.Contains("BudgetMiB") ? "" : "BudgetMiB=\"0.03\" ")}{m.Attributes} />");
        var project = SdkProject.CreateWithTasks($"<ItemGroup>{string.Join("\n", items)}</ItemGroup>");
        foreach (var m in Mistakes) project.AddSharedModel(ResNet8, m.Model);
        Directory.CreateDirectory(Path.Combine(project.Directory_, "empty"));
        WriteNpy(Path.Combine(project.Directory_, "wrong_shape.npy"), [2, 16, 16, 3]); // ResNet-8 takes 32×32×3

        var (ok, log, _) = SdkProject.Build(project.Evaluate(), SdkProject.EntryTargets);
        TestContext.WriteLine(log.ErrorText);
        Assert.IsFalse(ok, "the build fails");
        foreach (var m in Mistakes)
        {
            var model = Path.GetFileNameWithoutExtension(m.Model);
            AssertError(log, m.Code, m.NamedFile, m.Says, m.Model);
            AssertClean(project, log, model);
            if (m.BeforeAnyStep)
                Assert.IsFalse(File.Exists(Path.Combine(project.ModelWorkDir(model), "plan.json")), $"{m.Model}: caught before CutModel");
        }

        Assert.AreEqual(2, log.TasksRun.Count(t => t == "CutModel"), "only cuts.h5 and calib_shape.h5 pass the up-front check; cuts.h5 fails in CutModel");
        Assert.AreEqual(1, log.TasksRun.Count(t => t == "ConvertInt8"), "calib_shape.h5 fails in ConvertInt8");
    }

    [TestMethod]
    public void A_broken_h5_fails_the_build_with_its_MB1xxx_code_naming_the_file_and_leaves_no_outputs()
    {
        var project = SdkProject.CreateWithTasks("""<ItemGroup><KerasModel Include="broken.h5" BudgetMiB="0.03" /></ItemGroup>""");
        var good = File.ReadAllBytes(RepoPaths.KerasModel(ResNet8));
        File.WriteAllBytes(Path.Combine(project.Directory_, "broken.h5"), good[..(good.Length / 3)]);

        var (ok, log, _) = SdkProject.Build(project.Evaluate(), SdkProject.EntryTargets);
        Assert.IsFalse(ok, "a truncated .h5 must fail the build");
        var error = log.Errors.Single();
        StringAssert.Matches(error.Code, new System.Text.RegularExpressions.Regex(@"^MB1\d{3}$"), log.ErrorText);
        Assert.AreEqual(Path.Combine(project.Directory_, "broken.h5"), error.File, "the error names the file");
        AssertClean(project, log, "broken");
        Assert.IsFalse(File.Exists(Path.Combine(project.ModelWorkDir("broken"), "plan.json")), "no plan");
    }

    /// <summary>
    /// One error with the code, naming <paramref name="file"/> by its full path as the file at fault, holding the texts
    /// given in its file or message (as the console's "file : error code: message" line does).
    /// </summary>
    private static void AssertError(RecordingLogger log, string code, string file, params string[] texts)
    {
        var match = log.Errors.FirstOrDefault(e => e.Code == code && texts.All(t => $"{e.File} : {e.Message}".Contains(t, StringComparison.Ordinal)));
        Assert.IsNotNull(match, $"no {code} mentioning {string.Join(" and ", texts)}; errors:\n{log.ErrorText}");
        Assert.AreEqual(file, Path.GetFileName(match.File), $"the file at fault of: {match}");
        Assert.IsTrue(Path.IsPathRooted(match.File), $"a full path, so an IDE can open it: {match}");
    }

    private static void AssertClean(SdkProject project, RecordingLogger log, string model)
    {
        var text = string.Join('\n', log.Errors.Select(e => e.Message).Concat(log.Messages.Select(m => m.Text)));
        Assert.DoesNotContain("   at ModelBuild.", text, "no stack trace");
        Assert.DoesNotContain("MB5000", log.Errors.Select(e => e.Code).ToList(), "no unexpected failure");
        Assert.IsFalse(Directory.Exists(Path.Combine(project.OutDir, model)), $"no {model} outputs in bin");
        Assert.IsFalse(Directory.Exists(Path.Combine(project.ModelWorkDir(model), "layout")), $"no {model} layout in obj");
        Assert.IsEmpty(StagingLeftovers.Under(project.WorkDir), "no staging leftovers");
    }

    /// <summary>A float32 .npy (format 1.0) of zeros with <paramref name="shape"/>.</summary>
    private static void WriteNpy(string path, int[] shape)
    {
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}), }}";
        header = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        using var f = File.Create(path);
        f.Write([0x93, .. "NUMPY"u8, 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        f.Write(Encoding.ASCII.GetBytes(header));
        f.Write(new byte[shape.Aggregate(4, (a, b) => a * b)]);
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// Wrong KerasModel metadata and bad inputs, through real builds of one project: each fails the build with its MB
/// code, names the file to fix, shows no stack trace and leaves nothing in bin. Few builds: every metadata mistake is
/// its own KerasModel item of one build (their pipelines run side by side, so one error cannot hide another). A
/// missing .h5 stops the whole project before any step: tests/ModelBuild.Sdk.Tests checks it in process.
/// </summary>
[TestClass]
public sealed class MetadataErrorTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";

    public TestContext TestContext { get; set; } = null!;

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

    [TestMethod]
    public void Wrong_metadata_and_calibration_inputs_fail_with_their_MB_code_naming_the_file_and_leave_no_outputs()
    {
        // A KerasModel that does not exist (MB5003, before any step) is ModelBuild.Sdk.Tests' ActivationTests, in process.
        var project = TestProject.Create(SdkStyle.ProjectSdk);
        foreach (var m in Mistakes) project.AddSharedModel(ResNet8, m.Model);
        Directory.CreateDirectory(Path.Combine(project.Directory_, "empty"));
        WriteNpy(Path.Combine(project.Directory_, "wrong_shape.npy"), [2, 16, 16, 3]); // ResNet-8 takes 32×32×3
        project.WriteProject(SdkStyle.ProjectSdk, Mistakes.Select(m => (m.Model, m.Attributes.Contains("BudgetMiB") ? m.Attributes : "BudgetMiB=\"0.03\" " + m.Attributes)).ToArray());
        var build = project.Build();
        TestContext.WriteLine($"build with {Mistakes.Length} mistakes: {build.Elapsed.TotalSeconds:F1} s; ran {string.Join(", ", build.PipelineTasksRun)}");
        TestContext.WriteLine(TestProject.Diagnostics(build.Output));
        Assert.AreNotEqual(0, build.ExitCode, "the build fails");
        foreach (var m in Mistakes)
        {
            var model = Path.GetFileNameWithoutExtension(m.Model);
            AssertError(build, m.Code, m.NamedFile, m.Says, m.Model);
            AssertClean(project, build, model);
            if (m.BeforeAnyStep)
                Assert.IsFalse(File.Exists(Path.Combine(project.ModelWorkDir(model), "plan.json")), $"{m.Model}: caught before CutModel");
        }

        Assert.AreEqual(2, Regex.Count(build.Output, "Task \"CutModel\""), "only cuts.h5 and calib_shape.h5 pass the up-front check; cuts.h5 fails in CutModel");
        Assert.AreEqual(1, Regex.Count(build.Output, "Task \"ConvertInt8\""), "calib_shape.h5 fails in ConvertInt8");
    }

    /// <summary>One error line with the code, naming <paramref name="file"/> as the file at fault, holding the texts given.</summary>
    private static void AssertError(DotNetResult build, string code, string file, params string[] texts)
    {
        var lines = build.Output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains($"error {code}:", StringComparison.Ordinal)).Distinct().ToList();
        var match = lines.FirstOrDefault(l => texts.All(t => l.Contains(t, StringComparison.Ordinal)));
        Assert.IsNotNull(match, $"no 'error {code}' mentioning {string.Join(" and ", texts)}; errors:\n{TestProject.Diagnostics(build.Output)}");
        var named = Regex.Match(match, @"^(?:\d+(?::\d+)?>)?(?<file>.+?) : error ").Groups["file"].Value;
        Assert.AreEqual(file, Path.GetFileName(named), $"the file at fault of: {match}");
        Assert.IsTrue(Path.IsPathRooted(named), $"a full path, so an IDE can open it: {match}");
    }

    private static void AssertClean(TestProject project, DotNetResult build, string model)
    {
        Assert.DoesNotContain("   at ModelBuild.", build.Output, "no stack trace");
        Assert.DoesNotContain("MB5000", build.Output, "no unexpected failure");
        Assert.IsFalse(Directory.Exists(Path.Combine(project.OutDir, model)), $"no {model} outputs in bin");
        Assert.IsFalse(Directory.Exists(Path.Combine(project.ModelWorkDir(model), "layout")), $"no {model} layout in obj");
        Assert.IsEmpty(project.StagingLeftovers(), "no staging leftovers");
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

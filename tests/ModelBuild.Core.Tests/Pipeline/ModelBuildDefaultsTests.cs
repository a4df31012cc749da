using System.Globalization;
using ModelBuild.Core.Pipeline;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Pipeline;

/// <summary>
/// sdk/ModelBuild.Sdk/build/ModelBuild.Sdk.Defaults.props is generated from <see cref="ModelBuildDefaults"/> and
/// <see cref="WorkFolder"/>, so the targets, the tasks and the CLI share one set of defaults and file names. Run this
/// test with MODELBUILD_UPDATE_SDK_PROPS=1 to rewrite the file after changing either type.
/// </summary>
[TestClass]
public sealed class ModelBuildDefaultsTests
{
    private static string PropsFile => Path.Combine(RepoPaths.Root, "sdk", "ModelBuild.Sdk", "build", "ModelBuild.Sdk.Defaults.props");

    internal static string Render()
    {
        (string Name, string Value)[] properties =
        [
            ("_ModelBuildDefaultBudgetMiB", ModelBuildDefaults.BudgetMiB.ToString(CultureInfo.InvariantCulture)),
            ("_ModelBuildDefaultQuantization", ModelBuildDefaults.Quantization),
            ("_ModelBuildDefaultCalibrationSamples", ModelBuildDefaults.CalibrationSamples.ToString(CultureInfo.InvariantCulture)),
            ("_ModelBuildDefaultPreprocessing", ModelBuildDefaults.Preprocessing),
            ("_ModelBuildDefaultCalibrationAugment", ModelBuildDefaults.CalibrationAugment.ToString()),
            ("_ModelBuildDefaultMinSqnrDb", ModelBuildDefaults.MinSqnrDb.ToString(CultureInfo.InvariantCulture)),
            ("_ModelBuildDefaultRangeEstimator", ModelBuildDefaults.RangeEstimator.ToString()),
            ("_ModelBuildDefaultEdgeTpu", ModelBuildDefaults.EdgeTpu.ToString()),
            ("_ModelBuildDefaultEdgeTpuTimeoutSeconds", ModelBuildDefaults.EdgeTpuTimeoutSeconds.ToString(CultureInfo.InvariantCulture)),
            ("_ModelBuildDefaultCacheMaxGiB", ModelBuildDefaults.CacheMaxGiB.ToString(CultureInfo.InvariantCulture)),
            ("_ModelBuildPlanFileName", WorkFolder.PlanFileName),
            ("_ModelBuildStoreFolderName", WorkFolder.StoreFolderName),
            ("_ModelBuildStoreManifestFileName", WorkFolder.StoreManifestFileName),
            ("_ModelBuildEdgeTpuFolderName", WorkFolder.EdgeTpuFolderName),
            ("_ModelBuildEdgeTpuResultsFileName", WorkFolder.EdgeTpuResultsFileName),
            ("_ModelBuildLayoutFolderName", WorkFolder.LayoutFolderName),
            ("_ModelBuildLayoutMarkerPath", WorkFolder.LayoutMarkerPath.Replace('/', '\\')),
            ("_ModelBuildCutStampFileName", WorkFolder.CutStampFileName),
            ("_ModelBuildConvertStampFileName", WorkFolder.ConvertStampFileName),
            ("_ModelBuildEdgeTpuStampFileName", WorkFolder.EdgeTpuStampFileName),
        ];
        var lines = string.Join("\n", properties.Select(p => $"    <{p.Name}>{p.Value}</{p.Name}>"));
        return $"""
            <Project>
              <!--
                Generated from ModelBuild.Core.Pipeline.ModelBuildDefaults and WorkFolder: the defaults and the work-folder
                file names the targets use. Do not edit: change those types and run ModelBuildDefaultsTests with
                MODELBUILD_UPDATE_SDK_PROPS=1 (the test fails while this file and the types disagree).
              -->
              <PropertyGroup>
            {lines}
              </PropertyGroup>
            </Project>

            """;
    }

    [TestMethod]
    public void The_props_file_holds_the_engines_defaults_and_file_names()
    {
        var expected = Render();
        if (Environment.GetEnvironmentVariable("MODELBUILD_UPDATE_SDK_PROPS") == "1")
            File.WriteAllText(PropsFile, expected);
        var actual = File.Exists(PropsFile) ? File.ReadAllText(PropsFile) : "(missing)";
        Assert.AreEqual(expected, actual, $"{PropsFile} is out of date; rerun this test with MODELBUILD_UPDATE_SDK_PROPS=1 to regenerate it.");
    }

    [TestMethod]
    public void The_SDK_props_take_the_KerasModel_defaults_from_the_generated_file()
    {
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "sdk", "ModelBuild.Sdk", "build", "ModelBuild.Sdk.props"));
        StringAssert.Contains(props, "<Import Project=\"$(MSBuildThisFileDirectory)ModelBuild.Sdk.Defaults.props\" />");
        foreach (var metadata in new[] { "BudgetMiB", "Quantization", "CalibrationSamples", "Preprocessing", "EdgeTpu" })
            StringAssert.Contains(props, $"<{metadata}>$(_ModelBuildDefault{metadata})</{metadata}>");
        StringAssert.Contains(props, "$(_ModelBuildDefaultEdgeTpuTimeoutSeconds)");
        StringAssert.Contains(props, "<ModelBuildCacheMaxGiB Condition=\"'$(ModelBuildCacheMaxGiB)' == ''\">$(_ModelBuildDefaultCacheMaxGiB)</ModelBuildCacheMaxGiB>");
    }
}

using ModelBuild.Cli;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Sdk.Tests;

/// <summary>The KerasModel item definition and the SDK's properties, as evaluated, against Core's defaults and the CLI's flags.</summary>
[TestClass]
public sealed class KerasModelDefaultsTests
{
    [TestMethod]
    public void A_bare_KerasModel_gets_Cores_defaults_and_every_item_option_is_a_modelbuild_build_flag_with_the_same_default()
    {
        var project = SdkProject.Create("""<ItemGroup><KerasModel Include="a.h5" /></ItemGroup>""");
        var instance = project.Evaluate();
        var item = instance.GetItems("KerasModel").Single();

        Assert.AreEqual(CalibrationOptions.DefaultMaxSamples.ToString(), item.GetMetadataValue("CalibrationSamples"));
        var definition = instance.ItemDefinitions["KerasModel"];
        var flags = BuildCommand.Options.ToDictionary(o => o.MSBuildName);
        foreach (var metadata in definition.Metadata)
        {
            Assert.IsTrue(flags.TryGetValue(metadata.Name, out var flag), $"KerasModel metadata {metadata.Name} has no `modelbuild build` flag");
            Assert.IsTrue(flag.IsItemMetadata, metadata.Name);
            Assert.AreEqual(metadata.EvaluatedValue, flag.Default, $"default of {metadata.Name} (item) vs --{flag.Flag} (CLI)");
            Assert.AreEqual(metadata.EvaluatedValue, item.GetMetadataValue(metadata.Name), $"{metadata.Name} on a bare item");
        }

        foreach (var flag in BuildCommand.Options)
        {
            if (flag.IsItemMetadata)
                Assert.IsTrue(definition.Metadata.Any(m => m.Name == flag.MSBuildName), $"--{flag.Flag}: no KerasModel metadata {flag.MSBuildName}");
            else
                Assert.AreEqual(flag.Default, instance.GetPropertyValue(flag.MSBuildName), $"--{flag.Flag} vs the {flag.MSBuildName} property");
        }
    }

    [TestMethod]
    public void Metadata_on_the_item_and_properties_in_the_project_replace_the_defaults()
    {
        var project = SdkProject.Create("""
            <PropertyGroup><EdgeTpuTimeoutSeconds>42</EdgeTpuTimeoutSeconds><EdgeTpuCompilerPath>/opt/my compiler/edgetpu.sh</EdgeTpuCompilerPath></PropertyGroup>
            <ItemGroup><KerasModel Include="a.h5" BudgetMiB="6.5" Preprocessing="caffe" CalibrationSamples="8" /></ItemGroup>
            """);
        var instance = project.Evaluate();
        var item = instance.GetItems("KerasModel").Single();
        Assert.AreEqual("6.5", item.GetMetadataValue("BudgetMiB"));
        Assert.AreEqual("caffe", item.GetMetadataValue("Preprocessing"));
        Assert.AreEqual("8", item.GetMetadataValue("CalibrationSamples"));
        Assert.AreEqual("PerChannel", item.GetMetadataValue("Quantization"), "untouched metadata keeps its default");
        Assert.AreEqual("42", instance.GetPropertyValue("EdgeTpuTimeoutSeconds"));
        Assert.AreEqual("/opt/my compiler/edgetpu.sh", instance.GetPropertyValue("EdgeTpuCompilerPath"));
    }
}

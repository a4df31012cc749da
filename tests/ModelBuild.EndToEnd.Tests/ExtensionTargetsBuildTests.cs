namespace ModelBuild.EndToEnd.Tests;

/// <summary>The SDK's extension points run in pipeline order, on a first build and on a no-op build.</summary>
[TestClass]
public sealed class ExtensionTargetsBuildTests
{
    private const string Mnist = "13_mnist_edgetpu_tutorial_k2.h5";

    private static void WriteProjectWithExtensions(TestProject project) => File.WriteAllText(project.ProjectFile, $"""
        <Project Sdk="ModelBuild.Sdk/{project.SdkVersion}">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <ModelBuildDependsOn>ExtFirst</ModelBuildDependsOn>
            <ModelBuildBeforeCutDependsOn>ExtBeforeCut</ModelBuildBeforeCutDependsOn>
          </PropertyGroup>
          <ItemGroup>
            <KerasModel Include="mnist.h5" BudgetMiB="0.01" EdgeTpu="Off" />
          </ItemGroup>
          <Target Name="ExtFirst"><Message Importance="high" Text="EXT-FIRST" /></Target>
          <Target Name="ExtBeforeCut"><Message Importance="high" Text="EXT-BEFORE-CUT" /></Target>
          <Target Name="ExtAfterEmit" AfterTargets="ModelBuildAfterEmit"><Message Importance="high" Text="EXT-AFTER-EMIT" /></Target>
        </Project>
        """);

    private static int LineOf(DotNetResult build, string text)
    {
        var index = Array.FindIndex(build.Output.Split('\n'), l => l.Contains(text, StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, index, $"'{text}' not in the build output:\n{TestProject.Tail(build.Output)}");
        return index;
    }

    [TestMethod]
    public void Extension_targets_run_before_the_cut_and_after_the_layout_on_every_build()
    {
        var project = TestProject.Create(SdkStyle.ProjectSdk);
        project.AddSharedModel(Mnist, "mnist.h5");
        WriteProjectWithExtensions(project);

        var first = project.Build();
        TestProject.AssertSucceeded(first, "first build");
        int[] order = [LineOf(first, "EXT-FIRST"), LineOf(first, "EXT-BEFORE-CUT"), LineOf(first, "Task \"WriteModelBuildStamps\""),
            LineOf(first, "Task \"CutModel\""), LineOf(first, "Task \"EmitCombos\""), LineOf(first, "EXT-AFTER-EMIT")];
        CollectionAssert.AreEqual(order.Order().ToArray(), order, "ModelBuildDependsOn, BeforeCut, stamps, cut, layout, AfterEmit: " + string.Join(", ", order));
        Assert.AreEqual(1, first.LinesContaining("EXT-AFTER-EMIT"), "once per model");

        var second = project.Build();
        TestProject.AssertSucceeded(second, "no-op build");
        Assert.IsEmpty(second.PipelineTasksRun, "nothing to rerun");
        Assert.IsLessThan(LineOf(second, "EXT-AFTER-EMIT"), LineOf(second, "EXT-BEFORE-CUT"), "the extension points run on a no-op build too");
    }
}

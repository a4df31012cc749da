namespace ModelBuild.Sdk.Tests;

/// <summary>
/// The SDK's extension points run in pipeline order, on a first build and on a no-op build: in-process builds with the
/// real tasks (moved here from the end-to-end tests, where each build was a `dotnet build` process).
/// </summary>
[TestClass]
public sealed class ExtensionTargetsTests
{
    private const string Mnist = "13_mnist_edgetpu_tutorial_k2.h5";

    [TestMethod]
    public void Extension_targets_run_before_the_cut_and_after_the_layout_on_every_build()
    {
        var project = SdkProject.CreateWithTasks("""
            <PropertyGroup>
              <ModelBuildDependsOn>ExtFirst</ModelBuildDependsOn>
              <ModelBuildBeforeCutDependsOn>ExtBeforeCut</ModelBuildBeforeCutDependsOn>
            </PropertyGroup>
            <ItemGroup>
              <KerasModel Include="mnist.h5" BudgetMiB="0.01" EdgeTpu="Off" />
            </ItemGroup>
            <Target Name="ExtFirst"><Message Importance="high" Text="EXT-FIRST" /></Target>
            <Target Name="ExtBeforeCut"><Message Importance="high" Text="EXT-BEFORE-CUT" /></Target>
            <Target Name="ExtAfterEmit" AfterTargets="ModelBuildAfterEmit"><Message Importance="high" Text="EXT-AFTER-EMIT" /></Target>
            """);
        project.AddSharedModel(Mnist, "mnist.h5");

        var (ok, first, _) = SdkProject.Build(project.Evaluate(), SdkProject.EntryTargets);
        Assert.IsTrue(ok, first.ErrorText);
        int[] order = [IndexOf(first, "EXT-FIRST"), IndexOf(first, "EXT-BEFORE-CUT"), IndexOf(first, "Task WriteModelBuildStamps"),
            IndexOf(first, "Task CutModel"), IndexOf(first, "Task EmitCombos"), IndexOf(first, "EXT-AFTER-EMIT")];
        CollectionAssert.AreEqual(order.Order().ToArray(), order, "ModelBuildDependsOn, BeforeCut, stamps, cut, layout, AfterEmit: " + string.Join(", ", order));
        Assert.AreEqual(1, first.Timeline.Count(e => e == "EXT-AFTER-EMIT"), "once per model");

        var (again, second, _) = SdkProject.Build(project.Evaluate(), SdkProject.EntryTargets);
        Assert.IsTrue(again, second.ErrorText);
        Assert.IsEmpty(second.PipelineTasksRun, "nothing to rerun");
        Assert.IsLessThan(IndexOf(second, "EXT-AFTER-EMIT"), IndexOf(second, "EXT-BEFORE-CUT"), "the extension points run on a no-op build too");
    }

    private static int IndexOf(RecordingLogger log, string entry)
    {
        var index = log.Timeline.IndexOf(entry);
        Assert.IsGreaterThanOrEqualTo(0, index, $"'{entry}' not in the build's events:\n{string.Join("\n", log.Timeline.TakeLast(200))}");
        return index;
    }
}

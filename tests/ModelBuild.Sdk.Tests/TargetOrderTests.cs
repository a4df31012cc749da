namespace ModelBuild.Sdk.Tests;

/// <summary>Where the SDK's targets sit in a build, publish and clean, from the evaluated target graph.</summary>
[TestClass]
public sealed class TargetOrderTests
{
    private static readonly string[] Pipeline = ["ModelBuildCut", "ModelBuildConvertInt8", "ModelBuildCompileEdgeTpu", "ModelBuildEmitCombos", "ModelBuild"];

    [TestMethod]
    public void Build_runs_the_four_steps_in_pipeline_order_then_lists_and_copies_the_layout_after_the_project_output()
    {
        var instance = SdkProject.Create("""<ItemGroup><KerasModel Include="a.h5" /></ItemGroup>""").Evaluate();
        var build = TargetOrder.Of(instance, "Build");
        var positions = Pipeline.Select(t => build.IndexOf(t)).ToArray();
        Assert.IsTrue(positions.All(p => p >= 0), "every step is part of Build: " + string.Join(", ", Pipeline.Where(t => !build.Contains(t))));
        CollectionAssert.AreEqual(positions.Order().ToArray(), positions, "steps in order: " + string.Join(" → ", build.Where(Pipeline.Contains)));
        Assert.IsLessThan(build.IndexOf("ModelBuildCopyToOutputDirectory"), build.IndexOf("CopyFilesToOutputDirectory"), "the layout is copied after the project's own files");
        Assert.IsLessThan(build.IndexOf("ModelBuildCopyToOutputDirectory"), build.IndexOf("ModelBuild"));
    }

    [TestMethod]
    public void Publish_lists_the_layout_before_computing_what_to_publish_and_Clean_removes_it()
    {
        var instance = SdkProject.Create("""<ItemGroup><KerasModel Include="a.h5" /></ItemGroup>""").Evaluate();
        var publish = TargetOrder.Of(instance, "ComputeResolvedFilesToPublishList");
        Assert.IsLessThan(publish.IndexOf("ComputeResolvedFilesToPublishList"), publish.IndexOf("ModelBuild"));
        Assert.Contains("ModelBuildEmitCombos", publish);
        var clean = TargetOrder.Of(instance, "Clean");
        Assert.Contains("ModelBuildClean", clean);
        Assert.DoesNotContain("ModelBuildCut", clean, "cleaning builds nothing");
    }
}

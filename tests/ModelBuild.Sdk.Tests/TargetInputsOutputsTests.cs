using System.Text.RegularExpressions;
using Microsoft.Build.Execution;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// The Inputs and Outputs of each step's target for each model, expanded from the per-model items _ModelBuildPrepare
/// makes (run in process; it runs no ModelBuild task): what makes each step rerun and what it promises to write.
/// </summary>
[TestClass]
public sealed partial class TargetInputsOutputsTests
{
    private static readonly string[] Steps = ["ModelBuildCut", "ModelBuildConvertInt8", "ModelBuildCompileEdgeTpu", "ModelBuildEmitCombos"];

    [TestMethod]
    public void Each_step_reads_the_model_or_the_previous_steps_output_and_its_own_stamp_and_writes_one_file_in_the_models_work_folder()
    {
        var project = SdkProject.Create("""
            <PropertyGroup><ModelBuildTasksAssembly>$(MSBuildProjectDirectory)/tasks/ModelBuild.Tasks.dll</ModelBuildTasksAssembly></PropertyGroup>
            <ItemGroup>
              <KerasModel Include="models/a.h5" />
              <KerasModel Include="b.h5" OutputSubdirectory="bee" />
            </ItemGroup>
            """);
        var a = project.AddFile("models/a.h5");
        var b = project.AddFile("b.h5");
        var tasks = project.AddFile("tasks/ModelBuild.Tasks.dll");
        var instance = project.Evaluate();
        var (ok, log, _) = SdkProject.Build(instance, "_ModelBuildPrepare");
        Assert.IsTrue(ok, log.ErrorText);
        Assert.IsEmpty(log.TasksRun.Where(t => t is not ("Error" or "Message")), "only MSBuild's own checks ran");

        var obj = Path.Combine(project.Directory_, "obj", "Debug", "net10.0", "ModelBuild");
        foreach (var (model, work) in new[] { (a, Path.Combine(obj, "a")), (b, Path.Combine(obj, "bee")) })
        {
            var item = instance.GetItems("_ModelBuildModel").Single(i => i.EvaluatedInclude == model);
            var io = Steps.ToDictionary(s => s, s => (Inputs: Expand(instance, item, instance.Targets[s].Inputs), Outputs: Expand(instance, item, instance.Targets[s].Outputs)));
            var name = Path.GetFileName(model);

            CollectionAssert.AreEquivalent(new[] { model, Path.Combine(work, "cut.stamp"), tasks }, io["ModelBuildCut"].Inputs, $"{name}: cut inputs");
            CollectionAssert.AreEquivalent(new[] { Path.Combine(work, "plan.json") }, io["ModelBuildCut"].Outputs, $"{name}: cut outputs");
            CollectionAssert.AreEquivalent(new[] { model, Path.Combine(work, "plan.json"), Path.Combine(work, "convert.stamp"), tasks }, io["ModelBuildConvertInt8"].Inputs, $"{name}: convert inputs");
            CollectionAssert.AreEquivalent(new[] { Path.Combine(work, "models", "models.json") }, io["ModelBuildConvertInt8"].Outputs, $"{name}: convert outputs");
            CollectionAssert.AreEquivalent(new[] { Path.Combine(work, "models", "models.json"), Path.Combine(work, "tpu.stamp"), tasks }, io["ModelBuildCompileEdgeTpu"].Inputs, $"{name}: Edge TPU inputs");
            CollectionAssert.AreEquivalent(new[] { Path.Combine(work, "tpu", "edgetpu.json") }, io["ModelBuildCompileEdgeTpu"].Outputs, $"{name}: Edge TPU outputs");
            CollectionAssert.AreEquivalent(new[] { model, Path.Combine(work, "plan.json"), Path.Combine(work, "models", "models.json"), Path.Combine(work, "tpu", "edgetpu.json"), tasks },
                io["ModelBuildEmitCombos"].Inputs, $"{name}: emit inputs");
            var sub = Path.GetFileName(work);
            CollectionAssert.AreEquivalent(new[] { Path.Combine(work, "layout", sub, "full_split", "meta.json") }, io["ModelBuildEmitCombos"].Outputs, $"{name}: emit outputs");

            // Each step's output is an input of the step after it, so a step reruns whenever the one before did.
            for (int i = 1; i < Steps.Length; i++)
                CollectionAssert.IsSubsetOf(io[Steps[i - 1]].Outputs, io[Steps[i]].Inputs, $"{name}: {Steps[i - 1]} → {Steps[i]}");
        }
    }

    /// <summary>A target's Inputs or Outputs for one item of the batch: its %(_ModelBuildModel.X) and $(P) replaced, as full paths.</summary>
    private static List<string> Expand(ProjectInstance instance, ProjectItemInstance item, string text)
    {
        var perItem = MetadataReference().Replace(text, m => item.GetMetadataValue(m.Groups[1].Value));
        return instance.ExpandString(perItem).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => Path.GetFullPath(p.Replace('\\', '/'), instance.Directory)).ToList();
    }

    [GeneratedRegex(@"%\(_ModelBuildModel\.(\w+)\)")]
    private static partial Regex MetadataReference();
}

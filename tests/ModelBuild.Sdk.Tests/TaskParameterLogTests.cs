using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// What a binary log (-bl) shows of the steps: each task's inputs and outputs as task parameters, and calibration
/// progress at normal verbosity. The steps run in process on a small real model, with the logger settings -bl uses.
/// </summary>
[TestClass]
public sealed class TaskParameterLogTests
{
    [TestMethod]
    public void Every_step_logs_its_inputs_and_outputs_as_task_parameters_and_calibration_progress_is_done_over_total()
    {
        var project = SdkProject.CreateWithTasks($"""
            <ItemGroup><KerasModel Include="resnet8.h5" BudgetMiB="0.03" EdgeTpu="Off" CalibrationData="{RepoPaths.Images}" CalibrationSamples="3" /></ItemGroup>
            """);
        var model = Path.Combine(project.Directory_, "resnet8.h5");
        File.Copy(RepoPaths.KerasModel("03_mlperf_tiny_resnet8_cifar10_k2.4.h5"), model);

        var (ok, log, _) = SdkProject.Build(project.Evaluate(), "ModelBuild");
        Assert.IsTrue(ok, log.ErrorText);

        List<string> Values(string kind, string name) =>
            log.TaskParameters.Where(p => p.Kind == kind && p.Name == name).SelectMany(p => p.Values).ToList();
        foreach (var input in new[] { "ModelFile", "WorkDirectory", "OutputDirectory", "CalibrationData", "BudgetMiB" })
            Assert.IsNotEmpty(Values("TaskInput", input), $"input {input} logged; parameters: {string.Join(", ", log.TaskParameters.Select(p => p.Name).Distinct())}");
        Assert.Contains(model, Values("TaskInput", "ModelFile"));

        var int8 = Values("TaskOutput", "_ModelBuildInt8Model");
        Assert.IsNotEmpty(int8, "ConvertInt8's models");
        Assert.IsTrue(int8.All(f => f.EndsWith(".tflite", StringComparison.Ordinal) && File.Exists(f)), string.Join(", ", int8));
        var laidOut = Values("TaskOutput", "_ModelBuildLaidOutFile");
        Assert.IsTrue(laidOut.Any(f => f.EndsWith(Path.Combine("full_split", "meta.json"), StringComparison.Ordinal)), "EmitCombos' files");
        Assert.IsNotEmpty(Values("TaskOutput", "_ModelBuildCutTensor"), "CutModel's cut tensors");
        Assert.IsTrue(log.Messages.Any(m => m.Text.Contains("_ModelBuildSegmentCount", StringComparison.Ordinal)) || Values("TaskOutput", "_ModelBuildSegmentCount").Count > 0,
            "CutModel's segment count");

        var progress = log.Messages.Where(m => m.Text.Contains("calibration ", StringComparison.Ordinal) && m.Text.Contains("/3 samples", StringComparison.Ordinal)).ToList();
        Assert.IsNotEmpty(progress, "calibration progress as done/total");
        Assert.IsTrue(progress.All(m => m.Importance == Microsoft.Build.Framework.MessageImportance.High), "shown at normal verbosity");
        Assert.IsLessThanOrEqualTo(10, progress.Count);
    }
}

using System.Diagnostics;
using Microsoft.Build.Framework;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;
using Task = Microsoft.Build.Utilities.Task;

namespace ModelBuild.Tasks;

/// <summary>
/// Shared shape of the four pipeline tasks: one KerasModel item (as prepared by PrepareKerasModels) in, its
/// settings parsed from metadata, the step run cancelably, and user errors reported as MBxxxx with their file —
/// never a stack trace.
/// </summary>
public abstract class ModelBuildTask : Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The KerasModel item (full path) with its metadata and WorkDirectory.</summary>
    [Required]
    public ITaskItem Model { get; set; } = null!;

    protected abstract string StepName { get; }

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        var modelFile = Model.GetMetadata("FullPath");
        var clock = Stopwatch.StartNew();
        try
        {
            var summary = Run(Model, ModelItem.Work(Model), new TaskBuildLog(Log, modelFile), _cancel.Token);
            Log.LogMessage(MessageImportance.High, $"ModelBuild {StepName}: {Path.GetFileName(modelFile)}: {summary} ({clock.Elapsed.TotalSeconds:F1} s)");
        }
        catch (ModelBuildException e)
        {
            Log.LogError("ModelBuild", e.Code, null, e.File ?? modelFile, 0, 0, 0, 0, e.Message);
        }
        catch (OperationCanceledException)
        {
            Log.LogWarning("ModelBuild", "MB5011", null, modelFile, 0, 0, 0, 0, $"{StepName} was cancelled; no partial outputs were kept.");
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogError("ModelBuild", "MB5012", null, modelFile, 0, 0, 0, 0, $"{StepName} could not read or write a file: {e.Message}");
        }
        catch (Exception e)
        {
            Log.LogError("ModelBuild", "MB5049", null, modelFile, 0, 0, 0, 0,
                $"{StepName} failed unexpectedly ({e.GetType().Name}: {e.Message}). This is a ModelBuild bug; please report it with the model file if you can.");
        }

        return !Log.HasLoggedErrors;
    }

    /// <returns>A one-line summary for the build log.</returns>
    protected abstract string Run(ITaskItem model, WorkDirectory work, IBuildLog log, CancellationToken cancel);
}

using Microsoft.Build.Framework;
using ModelBuild.Core.Diagnostics;
using Task = Microsoft.Build.Utilities.Task;

namespace ModelBuild.Tasks;

/// <summary>
/// Base of the ModelBuild tasks: cancellation (Ctrl+C) and errors. A <see cref="ModelBuildException"/> becomes one
/// MSBuild error with its MB code and file, never a stack trace.
/// </summary>
public abstract class ModelBuildTask : Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    protected CancellationToken Cancellation => _cancel.Token;

    internal IBuildLog BuildLog => new TaskBuildLog(Log);

    public void Cancel() => _cancel.Cancel();

    public sealed override bool Execute()
    {
        try
        {
            Run();
        }
        catch (ModelBuildException e)
        {
            Log.LogError(null, e.Code, null, e.File ?? "", 0, 0, 0, 0, e.Message);
        }
        catch (OperationCanceledException)
        {
            Log.LogError(null, "MB5002", null, "", 0, 0, 0, 0, "the ModelBuild step was cancelled; no partial outputs were kept.");
        }
        catch (Exception e)
        {
            Log.LogError(null, "MB5000", null, "", 0, 0, 0, 0,
                $"ModelBuild failed unexpectedly in {GetType().Name}: {e.GetType().Name}: {e.Message}. Please report this with the model file if you can share it.");
            Log.LogMessage(MessageImportance.Low, e.ToString());
        }

        return !Log.HasLoggedErrors;
    }

    protected abstract void Run();
}

using System.Reflection;
using Microsoft.Build.Framework;

namespace ModelBuild.Sdk.Tests;

/// <summary>An error an in-process build logged.</summary>
public sealed record LoggedError(string Code, string File, string Message);

/// <summary>A warning an in-process build logged.</summary>
public sealed record LoggedWarning(string Code, string File, string Message);

/// <summary>What an in-process build did: targets run, tasks started, errors with their codes, messages.</summary>
public sealed class RecordingLogger
{
    public List<string> TargetsRun { get; } = [];

    public List<string> TasksRun { get; } = [];

    /// <summary>The four pipeline tasks, in pipeline order.</summary>
    public static readonly string[] PipelineTasks = ["CutModel", "ConvertInt8", "CompileEdgeTpu", "EmitCombos"];

    /// <summary>The pipeline tasks that ran (once per model and run), in order.</summary>
    public List<string> PipelineTasksRun => TasksRun.Where(PipelineTasks.Contains).ToList();

    public List<LoggedError> Errors { get; } = [];

    public List<LoggedWarning> Warnings { get; } = [];

    /// <summary>
    /// Messages, warnings and errors as `dotnet build` prints them (<c>file : warning CODE: text</c>), one entry per
    /// line, in order: what the end-to-end tests read from the console, for the tests moved from there.
    /// </summary>
    public List<string> Lines { get; } = [];

    /// <summary>Targets started ("Target X"), tasks started ("Task X") and messages, in the order they happened.</summary>
    public List<string> Timeline { get; } = [];

    public List<(string Text, MessageImportance Importance)> Messages { get; } = [];

    /// <summary>Task parameters as a binary log records them: (task input or output, parameter or item name, values).</summary>
    public List<(string Kind, string Name, List<string> Values)> TaskParameters { get; } = [];

    public string ErrorText => string.Join("\n", Errors.Select(e => $"{e.File}: {e.Code}: {e.Message}"));

    /// <summary>
    /// An <see cref="ILogger"/> feeding this record. Made at run time (DispatchProxy): a class of this assembly that
    /// implemented ILogger could not even be enumerated by the test adapter, which loads every type before
    /// MSBuildLocator has made Microsoft.Build.Framework loadable.
    /// </summary>
    public ILogger AsLogger()
    {
        var proxy = DispatchProxy.Create<ILogger, LoggerProxy>();
        ((LoggerProxy)(object)proxy).Record = this;
        return proxy;
    }

    internal void Subscribe(IEventSource source)
    {
        source.TargetStarted += (_, e) =>
        {
            TargetsRun.Add(e.TargetName);
            Timeline.Add("Target " + e.TargetName);
        };
        source.TaskStarted += (_, e) =>
        {
            TasksRun.Add(e.TaskName);
            Timeline.Add("Task " + e.TaskName);
        };
        source.ErrorRaised += (_, e) =>
        {
            Errors.Add(new LoggedError(e.Code ?? "", e.File ?? "", e.Message ?? ""));
            AddLines($"{e.File} : error {e.Code}: {e.Message}");
        };
        source.WarningRaised += (_, e) =>
        {
            Warnings.Add(new LoggedWarning(e.Code ?? "", e.File ?? "", e.Message ?? ""));
            AddLines($"{e.File} : warning {e.Code}: {e.Message}");
        };
        source.MessageRaised += (_, e) =>
        {
            if (e is TaskParameterEventArgs p)
                TaskParameters.Add((p.Kind.ToString(), p.ItemType, p.Items.Cast<object>().Select(i => i is ITaskItem t ? t.ItemSpec : i?.ToString() ?? "").ToList()));
            else
            {
                Messages.Add((e.Message ?? "", e.Importance));
                Timeline.Add(e.Message ?? "");
                AddLines(e.Message ?? "");
            }
        };
        // What -bl turns on: task inputs and outputs logged as parameters.
        if (source is IEventSource3 withInputs) withInputs.IncludeTaskInputs();
    }

    private void AddLines(string text) => Lines.AddRange(text.Split('\n'));
}

/// <summary>The ILogger members, answered for <see cref="RecordingLogger.AsLogger"/>.</summary>
public class LoggerProxy : DispatchProxy
{
    internal RecordingLogger Record { get; set; } = null!;

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        switch (method?.Name)
        {
            case "Initialize":
                Record.Subscribe((IEventSource)args![0]!);
                return null;
            case "get_Verbosity":
                return LoggerVerbosity.Diagnostic;
            default:
                return null;
        }
    }
}

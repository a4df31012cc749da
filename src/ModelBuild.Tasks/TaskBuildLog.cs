using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Tasks;

/// <summary>Core's warnings and progress, reported through MSBuild with their MB codes and files.</summary>
internal sealed class TaskBuildLog(TaskLoggingHelper log) : IBuildLog
{
    public void Warning(string code, string? file, string message) =>
        log.LogWarning(null, code, null, file ?? "", 0, 0, 0, 0, message);

    public void Progress(string message) => log.LogMessage(MessageImportance.High, "ModelBuild: " + message);
}

using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Tasks;

/// <summary>Core's <see cref="IBuildLog"/> on top of MSBuild's logger: coded warnings with their file, progress as normal-importance messages.</summary>
internal sealed class TaskBuildLog(TaskLoggingHelper log, string modelFile) : IBuildLog
{
    public void Warning(string code, string? file, string message) =>
        log.LogWarning("ModelBuild", code, null, file ?? modelFile, 0, 0, 0, 0, message);

    public void Progress(string message) => log.LogMessage(MessageImportance.Normal, message);
}

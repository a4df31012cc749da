using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ModelBuild.Tasks;

/// <summary>Task items for the tasks' [Output] parameters (what a binary log shows each step wrote).</summary>
internal static class TaskItems
{
    public static ITaskItem File(string path, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(Path.GetFullPath(path));
        foreach (var (name, value) in metadata) item.SetMetadata(name, value);
        return item;
    }
}

using Microsoft.Build.Execution;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// The order in which MSBuild would run the targets of a request, from the targets' DependsOnTargets, BeforeTargets and
/// AfterTargets alone (conditions not evaluated): dependencies, then BeforeTargets, the target, its AfterTargets.
/// </summary>
public static class TargetOrder
{
    public static List<string> Of(ProjectInstance project, string target)
    {
        var order = new List<string>();
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Run(project, target, visited, order);
        return order;
    }

    private static void Run(ProjectInstance project, string target, HashSet<string> visited, List<string> order)
    {
        if (!project.Targets.TryGetValue(target, out var t) || !visited.Add(target)) return;
        foreach (var d in Names(project, t.DependsOnTargets)) Run(project, d, visited, order);
        foreach (var b in Hooked(project, target, x => x.BeforeTargets)) Run(project, b, visited, order);
        order.Add(t.Name);
        foreach (var a in Hooked(project, target, x => x.AfterTargets)) Run(project, a, visited, order);
    }

    private static IEnumerable<string> Hooked(ProjectInstance project, string target, Func<ProjectTargetInstance, string> list) =>
        project.Targets.Values.Where(t => Names(project, list(t)).Contains(target, StringComparer.OrdinalIgnoreCase)).Select(t => t.Name);

    private static IEnumerable<string> Names(ProjectInstance project, string list) =>
        project.ExpandString(list).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

using System.Text.RegularExpressions;
using ModelBuild.Core.Graph;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests;

/// <summary>The stages of ModelBuild.Core stay in pipeline order: no namespace uses a later one (docs/ARCHITECTURE.md).</summary>
[TestClass]
public sealed partial class StageOrderTests
{
    private static readonly string CoreSources = Path.Combine(RepoPaths.Root, "src", "ModelBuild.Core");

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\bModelBuild\.Core\.(\w+)")]
    private static partial Regex CoreNamespaceMention();

    private static IEnumerable<string> SourceFiles() => Directory
        .EnumerateFiles(CoreSources, "*.cs", SearchOption.AllDirectories)
        .Where(f => !Path.GetRelativePath(CoreSources, f).Split(Path.DirectorySeparatorChar)[0].Equals("obj", StringComparison.Ordinal)
            && !Path.GetRelativePath(CoreSources, f).Split(Path.DirectorySeparatorChar)[0].Equals("bin", StringComparison.Ordinal));

    [TestMethod]
    public void No_source_file_names_a_later_stage()
    {
        var problems = new List<string>();
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            var declared = NamespaceDeclaration().Match(text);
            var relative = Path.GetRelativePath(RepoPaths.Root, file);
            if (!declared.Success)
            {
                problems.Add($"{relative}: no file-scoped namespace");
                continue;
            }
            var user = StageOrder.StageOf(declared.Groups[1].Value)!;
            var lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].StartsWith("namespace ", StringComparison.Ordinal))
                    continue;
                foreach (Match m in CoreNamespaceMention().Matches(lines[i]))
                    if (StageOrder.Violation(user, m.Groups[1].Value) is { } why)
                        problems.Add($"{relative}({i + 1}): {why}: {lines[i].Trim()}");
            }
        }
        Assert.AreEqual(0, problems.Count, "backward dependencies:\n" + string.Join("\n", problems));
    }

    [TestMethod]
    public void No_compiled_type_refers_to_a_later_stage()
    {
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in typeof(ModelGraph).Assembly.GetTypes().Where(t => !t.IsNested))
        {
            if (StageOrder.StageOf(type.Namespace) is not { } user)
                continue;
            foreach (var used in CompiledTypeReferences.Of(type))
                if (StageOrder.StageOf(used.Namespace) is { } usedStage && StageOrder.Violation(user, usedStage) is { } why)
                    problems.Add($"{type.FullName} → {used.FullName}: {why}");
        }
        Assert.AreEqual(0, problems.Count, "backward dependencies:\n" + string.Join("\n", problems));
    }

    [TestMethod]
    public void Every_file_sits_in_the_folder_of_its_stage()
    {
        var misplaced = new List<string>();
        foreach (var file in SourceFiles())
        {
            var folder = Path.GetRelativePath(CoreSources, file).Split(Path.DirectorySeparatorChar)[0];
            var declared = NamespaceDeclaration().Match(File.ReadAllText(file));
            if (!declared.Success || StageOrder.StageOf(declared.Groups[1].Value) != folder)
                misplaced.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}: namespace {declared.Groups[1].Value}");
        }
        Assert.AreEqual(0, misplaced.Count, "files outside their stage's folder:\n" + string.Join("\n", misplaced));
    }

    [TestMethod]
    public void A_stage_using_a_later_stage_is_a_violation()
    {
        Assert.AreEqual("EdgeTpu (rank 6) uses the later stage Layout (rank 7)", StageOrder.Violation("EdgeTpu", "Layout"));
        Assert.IsNull(StageOrder.Violation("Layout", "EdgeTpu"));
        Assert.IsNull(StageOrder.Violation("Execution", "TfLite"), "one rank: may use each other");
        Assert.IsNotNull(StageOrder.Violation("Cache", "Graph"), "a namespace without a rank is reported");
    }

    [TestMethod]
    public void The_compiled_scan_sees_a_reference_without_a_using()
    {
        var referenced = CompiledTypeReferences.Of(typeof(Core.Layout.LayoutChainRunner)).Select(t => t.Namespace).ToHashSet();
        Assert.Contains("ModelBuild.Core.Execution", referenced, "Int8Executor, created in a method body");
        Assert.Contains("ModelBuild.Core.TfLite", referenced, "TfLiteReader.Read, called in a lambda");
    }
}

using System.Text.RegularExpressions;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests;

/// <summary>
/// Tests follow the source (docs/ARCHITECTURE.md): every file of src/ModelBuild.Core has a test file named after it in the
/// mirrored folder (<c>Keras/LayerConverter.cs</c> → <c>Keras/LayerConverterTests.cs</c>), or is listed, with its reason,
/// in SourcesWithoutTestFile.txt (records and constants without logic; logic tested through the file named there).
/// </summary>
[TestClass]
public sealed partial class TestFilesFollowSourceTests
{
    private static readonly string CoreSources = Path.Combine(RepoPaths.Root, "src", "ModelBuild.Core");
    private static readonly string CoreTests = Path.Combine(RepoPaths.Root, "tests", "ModelBuild.Core.Tests");
    private static readonly string ExemptionFile = Path.Combine(CoreTests, "SourcesWithoutTestFile.txt");

    private static IEnumerable<string> SourceFiles() => Directory
        .EnumerateFiles(CoreSources, "*.cs", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(CoreSources, f).Replace(Path.DirectorySeparatorChar, '/'))
        .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal);

    private static bool HasTestFile(string source) =>
        File.Exists(Path.Combine(CoreTests, Path.ChangeExtension(source, null) + "Tests.cs"));

    /// <summary>Source path → reason, from lines <c>Folder/File.cs: reason</c> (# starts a comment line).</summary>
    private static Dictionary<string, string> Exemptions() => File.ReadAllLines(ExemptionFile)
        .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
        .Select(l => l.Split(':', 2))
        .ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1].Trim() : "", StringComparer.Ordinal);

    [TestMethod]
    public void Every_core_source_file_has_a_test_file_named_after_it_or_a_listed_reason()
    {
        var exemptions = Exemptions();
        var missing = SourceFiles().Where(s => !HasTestFile(s) && !exemptions.ContainsKey(s)).ToList();
        Assert.AreEqual(0, missing.Count,
            "source files without tests/ModelBuild.Core.Tests/<same folder>/<Name>Tests.cs and without a reason in "
            + "SourcesWithoutTestFile.txt:\n" + string.Join("\n", missing));
    }

    [TestMethod]
    public void Every_listed_reason_names_a_source_file_that_still_has_no_test_file()
    {
        var sources = SourceFiles().ToHashSet(StringComparer.Ordinal);
        var stale = Exemptions().Keys.Where(s => !sources.Contains(s) || HasTestFile(s)).ToList();
        Assert.AreEqual(0, stale.Count,
            "SourcesWithoutTestFile.txt lists files that are gone or now have a test file; remove these lines:\n" + string.Join("\n", stale));
    }

    [TestMethod]
    public void Every_listed_source_file_gives_a_reason()
    {
        var silent = Exemptions().Where(e => e.Value.Length == 0).Select(e => e.Key).ToList();
        Assert.AreEqual(0, silent.Count, "lines without a reason after the colon:\n" + string.Join("\n", silent));
    }

    [GeneratedRegex(@"\b\w+Tests\b")]
    private static partial Regex TestClassName();

    [TestMethod]
    public void Every_test_file_a_reason_names_exists()
    {
        var testFiles = Directory.EnumerateFiles(CoreTests, "*Tests.cs", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        var unknown = Exemptions()
            .SelectMany(e => TestClassName().Matches(e.Value).Select(m => $"{e.Key}: {m.Value}"))
            .Where(r => !testFiles.Contains(r[(r.LastIndexOf(' ') + 1)..]))
            .ToList();
        Assert.AreEqual(0, unknown.Count, "reasons naming test files that do not exist:\n" + string.Join("\n", unknown));
    }
}

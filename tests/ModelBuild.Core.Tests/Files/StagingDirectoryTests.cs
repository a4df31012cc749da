using ModelBuild.Core.Files;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Files;

[TestClass]
public sealed class StagingDirectoryTests
{
    private static string TargetWithOldFile()
    {
        var target = Path.Combine(RepoPaths.NewScratchDirectory("staging"), "out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "old");
        return target;
    }

    [TestMethod]
    public void Commit_replaces_the_target_with_the_staged_folder()
    {
        var target = TargetWithOldFile();
        using (var staging = StagingDirectory.For(target))
        {
            File.WriteAllText(Path.Combine(staging.Path, "new.txt"), "new");
            staging.Commit();
        }

        CollectionAssert.AreEqual(new[] { "new.txt" }, Directory.GetFiles(target).Select(Path.GetFileName).ToArray());
        Assert.AreEqual(1, Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!).Length, "no staging or old folder left beside it");
    }

    [TestMethod]
    public void Disposing_without_commit_keeps_the_target_and_removes_the_staged_files()
    {
        var target = TargetWithOldFile();
        using (var staging = StagingDirectory.For(target))
            File.WriteAllText(Path.Combine(staging.Path, "half.txt"), "half");

        CollectionAssert.AreEqual(new[] { "old.txt" }, Directory.GetFiles(target).Select(Path.GetFileName).ToArray());
        Assert.AreEqual(1, Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!).Length);
    }

    [TestMethod]
    public void A_target_that_does_not_exist_yet_is_created_with_its_parent()
    {
        var target = Path.Combine(RepoPaths.NewScratchDirectory("staging"), "a", "b");
        using (var staging = StagingDirectory.For(target))
        {
            File.WriteAllText(Path.Combine(staging.Path, "x.txt"), "x");
            staging.Commit();
        }

        Assert.IsTrue(File.Exists(Path.Combine(target, "x.txt")));
    }
}

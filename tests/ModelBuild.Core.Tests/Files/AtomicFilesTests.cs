using ModelBuild.Core.Files;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Files;

[TestClass]
public sealed class AtomicFilesTests
{
    [TestMethod]
    public void WriteAllBytes_creates_the_folder_and_leaves_no_temporary_file()
    {
        var dir = RepoPaths.NewScratchDirectory("atomic");
        var path = Path.Combine(dir, "a", "b", "model.bin");
        AtomicFiles.WriteAllBytes(path, [1, 2, 3]);
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { "model.bin" }, Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void WriteIfChanged_keeps_the_file_time_when_the_content_is_the_same()
    {
        var path = Path.Combine(RepoPaths.NewScratchDirectory("atomic"), "stamp.txt");
        Assert.IsTrue(AtomicFiles.WriteIfChanged(path, "budget=7\n"));
        var old = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, old);

        Assert.IsFalse(AtomicFiles.WriteIfChanged(path, "budget=7\n"), "same content: not written");
        Assert.AreEqual(old, File.GetLastWriteTimeUtc(path));
        Assert.IsTrue(AtomicFiles.WriteIfChanged(path, "budget=6\n"), "new content: written");
        Assert.AreEqual("budget=6\n", File.ReadAllText(path));
        Assert.AreNotEqual(old, File.GetLastWriteTimeUtc(path));
    }

    [TestMethod]
    public void WriteIfChanged_writes_when_only_one_byte_differs_at_the_same_length()
    {
        var path = Path.Combine(RepoPaths.NewScratchDirectory("atomic"), "stamp.txt");
        AtomicFiles.WriteIfChanged(path, "abc");
        Assert.IsTrue(AtomicFiles.WriteIfChanged(path, "abd"));
        Assert.AreEqual("abd", File.ReadAllText(path));
    }

    [TestMethod]
    public void SameContent_is_false_for_a_missing_file_a_different_length_or_a_different_byte()
    {
        var dir = RepoPaths.NewScratchDirectory("atomic");
        string Write(string name, string text)
        {
            var p = Path.Combine(dir, name);
            File.WriteAllText(p, text);
            return p;
        }

        var a = Write("a", "hello");
        Assert.IsTrue(AtomicFiles.SameContent(a, Write("same", "hello")));
        Assert.IsFalse(AtomicFiles.SameContent(a, Write("longer", "hello!")));
        Assert.IsFalse(AtomicFiles.SameContent(a, Write("other", "hellp")));
        Assert.IsFalse(AtomicFiles.SameContent(a, Path.Combine(dir, "missing")));
    }

    [TestMethod]
    public void LinkOrCopy_replaces_an_existing_target_with_the_source_content()
    {
        var dir = RepoPaths.NewScratchDirectory("atomic");
        var source = Path.Combine(dir, "source.tflite");
        var target = Path.Combine(dir, "out", "seg1.tflite");
        File.WriteAllText(source, "new model");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "old model, longer than the new one");

        AtomicFiles.LinkOrCopy(source, target);
        Assert.AreEqual("new model", File.ReadAllText(target));
        Assert.AreEqual("new model", File.ReadAllText(source), "the source is untouched");
    }

    [TestMethod]
    public void ReplaceDirectory_swaps_in_the_staged_folder_and_removes_the_old_one()
    {
        var dir = RepoPaths.NewScratchDirectory("atomic");
        var target = Path.Combine(dir, "layout");
        var staging = Path.Combine(dir, "layout.staging");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "new.txt"), "");

        AtomicFiles.ReplaceDirectory(staging, target);
        CollectionAssert.AreEqual(new[] { "new.txt" }, Directory.GetFiles(target).Select(Path.GetFileName).ToArray());
        CollectionAssert.AreEqual(new[] { "layout" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ToArray(), "no staging or .old folder left");
    }

    [TestMethod]
    public void Sha256_of_a_file_equals_the_hash_of_its_bytes_in_lower_case_hex()
    {
        var path = Path.Combine(RepoPaths.NewScratchDirectory("atomic"), "x");
        File.WriteAllText(path, "abc");
        Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", AtomicFiles.Sha256(path));
        Assert.AreEqual(AtomicFiles.Sha256(path), AtomicFiles.Sha256("abc"u8.ToArray()));
    }
}

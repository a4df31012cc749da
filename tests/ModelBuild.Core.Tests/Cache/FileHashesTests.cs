using ModelBuild.Core.Cache;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Cache;

[TestClass]
public sealed class FileHashesTests
{
    [TestMethod]
    public void A_changed_file_is_hashed_again()
    {
        var path = Path.Combine(RepoPaths.NewScratchDirectory("hash"), "f.bin");
        File.WriteAllText(path, "abc");
        Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", FileHashes.Sha256(path), "SHA-256 of 'abc'");
        File.WriteAllText(path, "abd");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        Assert.AreNotEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", FileHashes.Sha256(path));
    }
}

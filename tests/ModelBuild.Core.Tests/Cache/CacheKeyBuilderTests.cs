using ModelBuild.Core.Cache;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Cache;

[TestClass]
public sealed class CacheKeyBuilderTests
{
    [TestMethod]
    public void A_key_is_its_kind_and_a_SHA256_of_the_inputs()
    {
        var key = new CacheKeyBuilder("plan").Add("budgetMiB", 7.0).Key;
        StringAssert.Matches(key, new System.Text.RegularExpressions.Regex("^plan-[0-9a-f]{64}$"));
        Assert.AreEqual(key, new CacheKeyBuilder("plan").Add("budgetMiB", 7.0).Key, "deterministic");
        Assert.AreNotEqual(key, new CacheKeyBuilder("plan").Add("budgetMiB", 7.5).Key);
        Assert.AreNotEqual(key[5..], new CacheKeyBuilder("int8").Add("budgetMiB", 7.0).Key[5..], "the kind is hashed too");
    }

    [TestMethod]
    public void Files_count_by_content_not_by_path_or_time()
    {
        var dir = RepoPaths.NewScratchDirectory("keys");
        var a = Path.Combine(dir, "a.bin");
        var b = Path.Combine(dir, "b.bin");
        File.WriteAllBytes(a, [1, 2, 3]);
        File.WriteAllBytes(b, [1, 2, 3]);
        File.SetLastWriteTimeUtc(b, DateTime.UtcNow.AddDays(-3));
        Assert.AreEqual(new CacheKeyBuilder("int8").AddFile("model", a).Key, new CacheKeyBuilder("int8").AddFile("model", b).Key);
        File.WriteAllBytes(b, [1, 2, 4]);
        Assert.AreNotEqual(new CacheKeyBuilder("int8").AddFile("model", a).Key, new CacheKeyBuilder("int8").AddFile("model", b).Key);
    }

    [TestMethod]
    public void A_value_cannot_pose_as_another_input()
    {
        var one = new CacheKeyBuilder("plan").Add("cuts", "x\nbudgetMiB=7").Key;
        var two = new CacheKeyBuilder("plan").Add("cuts", "x").Add("budgetMiB", "7").Key;
        Assert.AreNotEqual(one, two);
    }

    [TestMethod]
    public void A_kind_is_lower_case_letters_and_digits() =>
        Assert.ThrowsExactly<ArgumentException>(() => new CacheKeyBuilder("In-t8"));
}

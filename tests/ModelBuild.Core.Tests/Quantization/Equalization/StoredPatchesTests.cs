using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class StoredPatchesTests
{
    private static float[] Kept(int count, int cap)
    {
        var patches = new StoredPatches(1, cap);
        for (int i = 0; i < count; i++) patches.Add([i]);
        return Enumerable.Range(0, patches.Count).Select(i => patches[i][0]).ToArray();
    }

    [TestMethod]
    public void Every_patch_is_kept_up_to_the_cap()
    {
        CollectionAssert.AreEqual(new[] { 0f, 1f, 2f, 3f }, Kept(4, 4));
    }

    [TestMethod]
    public void Past_the_cap_a_regular_subset_is_kept_with_a_doubling_stride()
    {
        // 5 > 4: 0 2 4 (stride 2), then 6, then 8 makes 5 again: 0 4 8 (stride 4); 9 is skipped.
        CollectionAssert.AreEqual(new[] { 0f, 4f, 8f }, Kept(10, 4));
    }
}

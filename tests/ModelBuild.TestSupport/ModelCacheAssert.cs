using Microsoft.VisualStudio.TestTools.UnitTesting;
using ModelBuild.Core.Cache;

namespace ModelBuild.TestSupport;

/// <summary>Checks on a model cache folder that builds shared.</summary>
public static class ModelCacheAssert
{
    /// <summary>The cache's entries, each checked complete and matching its hashes.</summary>
    public static IReadOnlyList<CacheEntryInfo> ValidEntries(string cache)
    {
        var entries = new ModelCache(cache, "").Entries();
        foreach (var e in entries)
        {
            Assert.IsNull(e.Problem, $"{e.Key}: {e.Problem}");
            Assert.IsNull(e.Entry!.Verify(e.Directory), e.Key);
        }

        return entries;
    }
}

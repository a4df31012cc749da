using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Tasks;

/// <summary>
/// A pipeline task whose outputs the model cache keeps: CacheDirectory (ModelBuildCacheDirectory, from
/// MODELBUILD_CACHE by default; empty = off) and CacheMaxGiB (ModelBuildCacheMaxGiB, the LRU size cap).
/// </summary>
public abstract class CachedModelBuildTask : ModelStepTask
{
    public string? CacheDirectory { get; set; }

    public string? CacheMaxGiB { get; set; }

    /// <summary>The cache these settings name, or null when it is off.</summary>
    protected ModelCache? Cache
    {
        get
        {
            try
            {
                return ModelCache.Open(CacheDirectory, CacheMaxGiB, EngineIdentity.Of(typeof(CachedModelBuildTask).Assembly));
            }
            catch (ModelBuildException e) when (e.File is null)
            {
                throw new ModelBuildException(e.Code, BuildEngine?.ProjectFileOfTaskNode, e.Message, e); // the property is set in the project
            }
        }
    }
}

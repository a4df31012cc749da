namespace ModelBuild.Core.Cache;

/// <summary>The MB502x codes of the model cache (docs/ERRORS.md).</summary>
public static class CacheCodes
{
    /// <summary>Warning: an entry is corrupt or incomplete (a file missing, truncated or with another SHA-256, no entry.json); it is dropped and the step runs.</summary>
    public const string CorruptEntry = "MB5020";

    /// <summary>Warning: the cache folder could not be read or written (permissions, disk full); the build goes on without it.</summary>
    public const string Unusable = "MB5021";

    /// <summary>Error: ModelBuildCacheMaxGiB is not a positive number.</summary>
    public const string InvalidMaxSize = "MB5022";
}

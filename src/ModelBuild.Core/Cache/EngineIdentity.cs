using System.Reflection;

namespace ModelBuild.Core.Cache;

/// <summary>
/// Which ModelBuild engine built something: the module version ids of the calling assembly (the MSBuild tasks, the
/// CLI) and of Core. A rebuilt engine gets new ids even under the same version number; the same package gets the same
/// ids on every machine (deterministic compilation), so cache entries move between machines. The rerun stamps and
/// the cache keys use this one identity.
/// </summary>
public static class EngineIdentity
{
    public static string Of(Assembly caller)
    {
        var core = typeof(EngineIdentity).Assembly;
        return caller == core ? $"{core.ManifestModule.ModuleVersionId}" : $"{caller.ManifestModule.ModuleVersionId}+{core.ManifestModule.ModuleVersionId}";
    }
}

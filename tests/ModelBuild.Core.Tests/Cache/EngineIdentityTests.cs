using ModelBuild.Core.Cache;

namespace ModelBuild.Core.Tests.Cache;

[TestClass]
public sealed class EngineIdentityTests
{
    [TestMethod]
    public void The_identity_names_the_caller_and_Core_by_module_version_id()
    {
        var core = typeof(EngineIdentity).Assembly.ManifestModule.ModuleVersionId;
        var caller = typeof(EngineIdentityTests).Assembly.ManifestModule.ModuleVersionId;
        Assert.AreEqual($"{caller}+{core}", EngineIdentity.Of(typeof(EngineIdentityTests).Assembly));
        Assert.AreEqual($"{core}", EngineIdentity.Of(typeof(EngineIdentity).Assembly));
    }
}

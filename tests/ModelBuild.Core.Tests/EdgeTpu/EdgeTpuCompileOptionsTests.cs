using ModelBuild.Core.EdgeTpu;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>How the driver runs the compiler: its defaults and the one build timeout applied as -t and as a kill.</summary>
[TestClass]
public sealed class EdgeTpuCompileOptionsTests
{
    [TestMethod]
    public void ForTimeout_gives_the_compiler_the_timeout_as_t_and_kills_a_grace_period_later()
    {
        var small = EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromSeconds(3), "/p/m.h5");
        var usual = EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromSeconds(600));
        var large = EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromHours(2));

        Assert.AreEqual((3, TimeSpan.FromSeconds(8), "/p/m.h5"), (small.CompilerTimeoutSeconds!.Value, small.ProcessTimeout, small.SourceFile));
        Assert.AreEqual((600, TimeSpan.FromSeconds(660)), (usual.CompilerTimeoutSeconds!.Value, usual.ProcessTimeout));
        Assert.AreEqual((7200, TimeSpan.FromSeconds(7260)), (large.CompilerTimeoutSeconds!.Value, large.ProcessTimeout));
        Assert.AreEqual(1, EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromMilliseconds(200)).CompilerTimeoutSeconds, "-t takes whole seconds, at least 1");
    }

    [TestMethod]
    public void Default_options_leave_the_compilers_own_choices_and_kill_after_the_build_default()
    {
        var o = new EdgeTpuCompileOptions();
        Assert.AreEqual((null, null, null, null), (o.MinRuntimeVersion, o.CompilerTimeoutSeconds, o.SourceFile, o.MaxParallelism));
        Assert.AreEqual(TimeSpan.FromSeconds(600), o.ProcessTimeout);
        Assert.AreEqual(0, o.EnvironmentVariables.Count);
    }

    [TestMethod]
    public void Grace_period_is_a_tenth_of_the_timeout_between_5_and_60_seconds()
    {
        Assert.AreEqual(TimeSpan.FromSeconds(100 + 10), EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromSeconds(100)).ProcessTimeout);
        Assert.AreEqual(TimeSpan.FromSeconds(20 + 5), EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromSeconds(20)).ProcessTimeout);
        Assert.AreEqual(TimeSpan.FromSeconds(1000 + 60), EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromSeconds(1000)).ProcessTimeout);
    }

    [TestMethod]
    public void Fractional_timeout_rounds_up_to_whole_seconds() =>
        Assert.AreEqual(3, EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromSeconds(2.1)).CompilerTimeoutSeconds);
}

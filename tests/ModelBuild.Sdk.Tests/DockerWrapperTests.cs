namespace ModelBuild.Sdk.Tests;

/// <summary>The package's Docker wrapper for edgetpu_compiler, as the SDK offers it (the recipe itself: Core.Tests' EdgeTpuCompilerLocatorTests).</summary>
[TestClass]
public sealed class DockerWrapperTests
{
    [TestMethod]
    public void The_wrapper_is_offered_as_a_property_and_made_executable_when_EdgeTpuCompilerPath_names_it()
    {
        var packaged = Path.GetFullPath(Path.Combine(SdkProject.SdkFolder, "..", "tools", "edgetpu_compiler-docker.sh"));
        Assert.AreEqual(packaged, SdkProject.Create("").Evaluate().GetPropertyValue("ModelBuildEdgeTpuDockerScript"));
        Assert.IsTrue(File.Exists(packaged));
        if (OperatingSystem.IsWindows()) return;

        // As NuGet extracts it: without its execute bits.
        var project = SdkProject.Create("""
            <PropertyGroup>
              <ModelBuildEdgeTpuDockerScript>$(MSBuildProjectDirectory)/tools/edgetpu_compiler-docker.sh</ModelBuildEdgeTpuDockerScript>
              <EdgeTpuCompilerPath>$(ModelBuildEdgeTpuDockerScript)</EdgeTpuCompilerPath>
            </PropertyGroup>
            """);
        var script = project.AddFile("tools/edgetpu_compiler-docker.sh");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var (ok, log, _) = SdkProject.Build(project.Evaluate(), "ModelBuildDockerScriptExecutable");
        Assert.IsTrue(ok, log.ErrorText);
        Assert.IsTrue(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute));
    }
}

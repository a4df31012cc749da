using Microsoft.Build.Locator;

[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.DoNotParallelize]

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// Loads the installed .NET SDK's MSBuild into this process before any test touches a Microsoft.Build type (the test
/// project compiles against Microsoft.Build but ships none of its assemblies); deletes the run's scratch folder at the end.
/// </summary>
[TestClass]
public static class MSBuildRegistration
{
    [AssemblyInitialize]
    public static void Register(TestContext _)
    {
        if (!MSBuildLocator.IsRegistered) MSBuildLocator.RegisterDefaults();
    }

    [AssemblyCleanup]
    public static void DeleteScratch()
    {
        try
        {
            if (Directory.Exists(SdkProject.ScratchRoot)) Directory.Delete(SdkProject.ScratchRoot, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in /tmp is harmless.
        }
    }
}

using Microsoft.Build.Locator;

[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.DoNotParallelize]

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// Loads the installed .NET SDK's MSBuild into this process before any test touches a Microsoft.Build type (the test
/// project compiles against Microsoft.Build but ships none of its assemblies).
/// </summary>
[TestClass]
public static class MSBuildRegistration
{
    [AssemblyInitialize]
    public static void Register(TestContext _)
    {
        if (!MSBuildLocator.IsRegistered) MSBuildLocator.RegisterDefaults();
    }
}

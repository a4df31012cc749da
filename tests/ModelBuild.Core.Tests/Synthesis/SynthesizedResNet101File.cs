using System.Diagnostics;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// The ResNet101 .h5 the sample synthesizes (KerasModelSynthesizer, 224×224×3, 1000 classes, seed 1), written once
/// per test run for every class that needs it (it takes a few seconds and 171 MiB) and deleted when the run ends.
/// </summary>
[TestClass]
public static class SynthesizedResNet101File
{
    public const int Seed = 1;

    private static readonly Lazy<string> FileLazy = new(Write, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? _dir;

    /// <summary>Full path of the file; synthesized on first use.</summary>
    public static string FilePath => FileLazy.Value;

    /// <summary>The assembly's one [AssemblyCleanup] (MSTest allows one): this file, and the architectures of TestGraphs/SynthArchitectureTestGraphs.</summary>
    [AssemblyCleanup]
    public static void Cleanup()
    {
        if (_dir is not null) ResidualArtifacts.DeleteScratch(_dir);
        TestGraphs.SynthArchitectureTestGraphs.Cleanup();
    }

    private static string Write()
    {
        _dir = RepoPaths.NewScratchDirectory("synth-resnet101");
        var file = Path.Combine(_dir, "resnet101.h5");
        var clock = Stopwatch.StartNew();
        KerasModelSynthesizer.Write(file, SynthArchitecture.ResNet101, Seed);
        Console.WriteLine($"synthesized ResNet101 in {clock.Elapsed.TotalSeconds:F1} s ({new FileInfo(file).Length / 1048576.0:F1} MiB)");
        return file;
    }
}

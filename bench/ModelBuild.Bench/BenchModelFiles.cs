using ModelBuild.Core.Synthesis;

namespace ModelBuild.Bench;

/// <summary>Synthesized Keras models for the scaling runs, made once into artifacts/bench/models/ (seed 1, as the sample's).</summary>
internal static class BenchModelFiles
{
    public static string Ensure(string architecture)
    {
        var dir = Path.Combine(SampleBuild.BenchDirectory, "models");
        var path = Path.Combine(dir, architecture.ToLowerInvariant() + ".h5");
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(dir);
        KerasModelSynthesizer.Write(path + ".tmp", Enum.Parse<SynthArchitecture>(architecture, ignoreCase: true), 1);
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }
}

using System.Reflection;

namespace ModelBuild.Bench;

/// <summary>Synthesized Keras models for the scaling runs, made once into artifacts/bench/models/ (seed 1).</summary>
internal static class BenchModelFiles
{
    public static string Ensure(string architecture)
    {
        var dir = Path.Combine(SampleBuild.BenchDirectory, "models");
        var path = Path.Combine(dir, architecture.ToLowerInvariant() + ".h5");
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(dir);
        Synthesize(architecture, path + ".tmp");
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    /// <summary>KerasModelSynthesizer.Write(path, SynthArchitecture, seed), found by name as the modelbuild CLI does.</summary>
    private static void Synthesize(string architecture, string path)
    {
        var core = typeof(ModelBuild.Core.Keras.KerasModelReader).Assembly;
        var synthesizer = core.GetType("ModelBuild.Core.Synthesis.KerasModelSynthesizer");
        var archType = core.GetType("ModelBuild.Core.Synthesis.SynthArchitecture");
        var write = archType is null ? null : synthesizer?.GetMethod("Write", BindingFlags.Public | BindingFlags.Static, [typeof(string), archType, typeof(int)]);
        if (write is null || archType is null)
            throw new InvalidOperationException("this ModelBuild.Core has no model synthesizer (ModelBuild.Core.Synthesis); put .h5 files in artifacts/bench/models/ instead.");
        try
        {
            write.Invoke(null, [path, Enum.Parse(archType, architecture, ignoreCase: true), 1]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}

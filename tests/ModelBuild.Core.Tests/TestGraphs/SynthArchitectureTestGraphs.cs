using System.Collections.Concurrent;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TestGraphs;

/// <summary>
/// DenseNet121, Xception, InceptionV3 and NASNetMobile synthesized once per test run at a small input (seed 21), for
/// every test of Synthesis/Architectures that needs them: building one takes seconds, so each is built, written as
/// .h5, read back and quantized at most once, and the files are deleted when the run ends. Parameter counts and
/// names do not depend on the input size or the seed.
/// </summary>
internal static class SynthArchitectureTestGraphs
{
    public const int Seed = 21;

    private static readonly ConcurrentDictionary<SynthArchitecture, Lazy<Synthesized>> Built = new();
    private static readonly Lazy<string> Dir = new(() => RepoPaths.NewScratchDirectory("synth-architectures"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// One synthesized architecture: its .h5, what the synthesizer's own forward pass computed for <see cref="Image"/>,
    /// the graph our reader reads (standard rewrites), and its int8 model calibrated on <see cref="Samples"/>.
    /// </summary>
    internal sealed record Synthesized(SynthArchitecture Architecture, int Size, string File, float[] Image, float[] Expected, ModelGraph Graph, List<float[]> Samples)
    {
        private readonly Lazy<ModelGraph> _int8 = new(() => Quantizer.Quantize(Graph, Calibrator.Calibrate(Graph, Samples, new RecordingBuildLog())));

        public ModelGraph Int8 => _int8.Value;
    }

    /// <summary>Deletes the files; called by the assembly's one [AssemblyCleanup] (Synthesis/SynthesizedResNet101File).</summary>
    public static void Cleanup()
    {
        if (Dir.IsValueCreated) ResidualArtifacts.DeleteScratch(Dir.Value);
    }

    /// <summary>The smallest input keras.applications allows each family with random weights (NASNetMobile: 64 of any from 32).</summary>
    public static int SmallSize(SynthArchitecture arch) => arch switch
    {
        SynthArchitecture.Xception => 71,
        SynthArchitecture.InceptionV3 => 75,
        _ => 64,
    };

    internal static SynthOptions Small(int size) => new() { InputSize = size, CalibrationSize = size, CalibrationImages = 8 };

    /// <summary><paramref name="arch"/>, synthesized on first use.</summary>
    internal static Synthesized Get(SynthArchitecture arch) =>
        Built.GetOrAdd(arch, a => new Lazy<Synthesized>(() => Synthesize(a), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private static Synthesized Synthesize(SynthArchitecture arch)
    {
        int size = SmallSize(arch);
        var model = KerasModelSynthesizer.Build(arch, Seed, Small(size));
        var file = Path.Combine(Dir.Value, $"{arch}.h5");
        KerasModelSynthesizer.Save(model, file);

        var images = CalibrationImages.Make(4, size, 77, KerasModelSynthesizer.Preprocessing(arch));
        int pixels = size * size * 3;
        var image = images with { Data = images.Data[..pixels], Batch = 1 };
        var samples = Enumerable.Range(0, images.Batch).Select(n => images.Data.AsSpan(n * pixels, pixels).ToArray()).ToList();
        return new Synthesized(arch, size, file, image.Data, model.Run(image).Data, KerasModelReader.Read(file), samples);
    }
}

using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// The synthesizer's own forward pass (which measures the batch-norm statistics) against the FloatExecutor running
/// the file it wrote: the same function, and every batch norm really normalises the activations it was measured on.
/// Small inputs (64×64) so that the statistics pass and the check see exactly the same images.
/// </summary>
[TestClass]
public sealed class SynthModelTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-statistics");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static readonly SynthOptions Small = new() { InputSize = 64, CalibrationSize = 64, CalibrationImages = 2 };

    [TestMethod]
    [DataRow(SynthArchitecture.ResNet50, 11)]
    [DataRow(SynthArchitecture.MobileNetV2, 12)]
    public void The_written_file_computes_what_the_statistics_pass_computed(SynthArchitecture arch, int seed)
    {
        var model = KerasModelSynthesizer.Build(arch, seed, Small);
        var file = Path.Combine(_dir, $"{arch}-{seed}.h5");
        KerasModelSynthesizer.Save(model, file);
        var graph = KerasModelReader.Read(file);

        var image = Images(arch, 1, seed + 100);
        var expected = model.Run(image).Data;
        var actual = new FloatExecutor(graph).Run(image.Data);

        Assert.HasCount(1000, actual);
        NumericAssert.Close(expected, actual, 1e-5, $"softmax outputs, statistics pass vs the written file ({expected.Max():G3} top)");
        Assert.AreEqual(Array.IndexOf(expected, expected.Max()), Array.IndexOf(actual, actual.Max()), "same top-1");
    }

    [TestMethod]
    [DataRow(SynthArchitecture.ResNet50, 3, 1.001e-5)]
    [DataRow(SynthArchitecture.MobileNetV2, 4, 1e-3)]
    public void Every_batch_norm_normalises_the_activations_it_was_measured_on(SynthArchitecture arch, int seed, double epsilon)
    {
        var model = KerasModelSynthesizer.Build(arch, seed, Small);
        var file = Path.Combine(_dir, $"{arch}-bn-{seed}.h5");
        KerasModelSynthesizer.Save(model, file);
        var graph = KerasModelReader.ReadUnoptimized(file);

        var bns = model.Layers.OfType<BatchNormalizationLayer>().ToDictionary(b => b.Name);
        var observer = new ChannelMoments(bns.Keys.ToHashSet());
        var images = Images(arch, Small.CalibrationImages, seed);
        new FloatExecutor(graph).Run(new Dictionary<Tensor, float[]> { [graph.Inputs[0]] = images.Data }, images.Batch, observer);

        Assert.HasCount(bns.Count, observer.Moments, "every batch norm output was seen");
        foreach (var (name, (mean, std)) in observer.Moments)
        {
            var w = bns[name].Weights.ToDictionary(x => x.Name, x => x.Values);
            var relativeStd = new float[std.Length];
            for (int c = 0; c < std.Length; c++)
            {
                // A channel normalises to |gamma| unless its variance is comparable to epsilon.
                double target = Math.Abs(w["gamma"][c]) * Math.Sqrt(w["moving_variance"][c] / (w["moving_variance"][c] + epsilon));
                relativeStd[c] = (float)(std[c] / target);
            }

            NumericAssert.Close(w["beta"], mean.Select(v => (float)v).ToArray(), 2e-3, $"{name}: channel means equal beta");
            NumericAssert.Close(Enumerable.Repeat(1f, std.Length).ToArray(), relativeStd, 1e-3, $"{name}: channel spreads equal gamma (ratio)");
        }
    }

    [TestMethod]
    public void Another_seed_writes_other_weights()
    {
        var options = Small with { Classes = 10 };
        var a = Path.Combine(_dir, "seed1.h5");
        var b = Path.Combine(_dir, "seed1-again.h5");
        var c = Path.Combine(_dir, "seed2.h5");
        KerasModelSynthesizer.Write(a, SynthArchitecture.MobileNetV2, 1, options);
        KerasModelSynthesizer.Write(b, SynthArchitecture.MobileNetV2, 1, options);
        KerasModelSynthesizer.Write(c, SynthArchitecture.MobileNetV2, 2, options);

        Assert.IsTrue(File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)), "same seed, same bytes");
        Assert.AreEqual(new FileInfo(a).Length, new FileInfo(c).Length, "same layout");
        Assert.IsFalse(File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(c)), "another seed, other bytes");
        var kernelA = KerasModelReader.ReadUnoptimized(a).FindTensor("block_5_expand/kernel").FloatData;
        var kernelC = KerasModelReader.ReadUnoptimized(c).FindTensor("block_5_expand/kernel").FloatData;
        Assert.IsGreaterThan(kernelA.Length * 0.99, kernelA.Zip(kernelC).Count(p => p.First != p.Second), "independent weights");
    }

    [TestMethod]
    public void Weights_do_not_depend_on_the_input_size()
    {
        var small = KerasModelSynthesizer.Build(SynthArchitecture.ResNet50, 9, Small with { InputSize = 32, CalibrationImages = 1 });
        var large = KerasModelSynthesizer.Build(SynthArchitecture.ResNet50, 9, Small with { InputSize = 224, CalibrationImages = 1 });
        foreach (var (s, l) in small.Layers.Zip(large.Layers))
            foreach (var (ws, wl) in s.Weights.Zip(l.Weights))
                CollectionAssert.AreEqual(ws.Values, wl.Values, $"{s.Name}/{ws.Name}");
    }

    private static FeatureMap Images(SynthArchitecture arch, int count, int seed) =>
        CalibrationImages.Make(count, Small.InputSize!.Value, seed, arch == SynthArchitecture.MobileNetV2 ? CalibrationImages.Tf : CalibrationImages.Caffe);

    /// <summary>Per-channel mean and standard deviation of chosen tensors.</summary>
    private sealed class ChannelMoments(HashSet<string> names) : ITensorObserver
    {
        public Dictionary<string, (double[] Mean, double[] Std)> Moments { get; } = [];

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
        {
            if (!names.Contains(tensor.Name)) return;
            int c = tensor.Shape[^1];
            var sum = new double[c];
            var squares = new double[c];
            for (int i = 0; i < values.Length; i++)
            {
                sum[i % c] += values[i];
                squares[i % c] += (double)values[i] * values[i];
            }

            int n = values.Length / c;
            var mean = sum.Select(s => s / n).ToArray();
            Moments[tensor.Name] = (mean, squares.Select((q, i) => Math.Sqrt(Math.Max(q / n - mean[i] * mean[i], 0))).ToArray());
        }
    }
}

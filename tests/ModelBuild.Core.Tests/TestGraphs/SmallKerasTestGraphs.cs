using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Keras;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.TestGraphs;

/// <summary>A small Keras classifier for the tests of the build's steps and its accuracy figures: quick to cut, convert and lay out.</summary>
internal static class SmallKerasTestGraphs
{
    /// <summary>Its cut candidates, in order: cutting at both gives three segments.</summary>
    public static readonly IReadOnlyList<string> ClassifierCuts = ["conv", "conv_2"];

    /// <summary>Writes 8×8×3 → Conv2D(4, 3×3, same, relu) "conv" → Conv2D(4, 3×3, same, relu) "conv_2" → GlobalAveragePooling2D "gap" → Dense(2) "dense" to <paramref name="path"/>.</summary>
    public static string Classifier(string path) => new KerasTestModel()
        .Input("input", 8, 8, 3)
        .Layer("Conv2D", "conv", Cfg(("filters", 4), ("kernel_size", new JsonArray(3, 3)), ("padding", "same"), ("activation", "relu")), "input")
        .Layer("Conv2D", "conv_2", Cfg(("filters", 4), ("kernel_size", new JsonArray(3, 3)), ("padding", "same"), ("activation", "relu")), "conv")
        .Layer("GlobalAveragePooling2D", "gap", Cfg(), "conv_2")
        .Layer("Dense", "dense", Cfg(("units", 2)), "gap")
        .Weight("conv", "kernel", 3, 3, 3, 4).Weight("conv", "bias", 4)
        .Weight("conv_2", "kernel", 3, 3, 4, 4).Weight("conv_2", "bias", 4)
        .Weight("dense", "kernel", 4, 2).Weight("dense", "bias", 2)
        .Write(path, "dense");

    /// <summary><paramref name="count"/> 8×8×3 inputs in [-1, 1), different per index.</summary>
    public static List<float[]> ClassifierInputs(int count, int seed = 0) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var random = new Random(seed * 1000 + i);
            return Enumerable.Range(0, 8 * 8 * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        }).ToList();

    /// <summary>The classifier at <paramref name="h5"/> read, and its int8 model calibrated (per channel) on <paramref name="samples"/>.</summary>
    public static (ModelGraph Float, ModelGraph Int8) FloatAndInt8(string h5, IReadOnlyList<float[]> samples)
    {
        var graph = KerasModelReader.Read(h5);
        return (graph, Quantizer.Quantize(graph, Calibrator.Calibrate(graph, samples, new RecordingBuildLog())));
    }
}

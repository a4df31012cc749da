using System.Text.Json.Nodes;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Synthesis;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TestGraphs;

/// <summary>
/// Tiny synthesized Keras models around the layer under test (Synthesis/Layers tests): built, weights drawn, batch
/// norms measured, written as .h5 or .keras, and read back by our own KerasModelReader; plus the layer entries of
/// real Keras files (../shared/models/keras) to compare config keys with.
/// </summary>
internal static class SynthLayerTestGraphs
{
    public const int Seed = 5;

    /// <summary>A model input (size×size×channels, named input_1) → <paramref name="make"/>; weights of seed <see cref="Seed"/>, batch norms measured.</summary>
    public static SynthModel Model(string name, int size, int channels, Func<InputLayerSpec, SynthLayer> make)
    {
        var input = new InputLayerSpec("input_1", size, size, channels);
        var model = new SynthModel(name, input, make(input));
        model.Initialize(Seed);
        model.Run(Images(2, size, channels, seed: 1), measure: true);
        return model;
    }

    /// <summary><paramref name="count"/> images of uniform noise in [-2, 2), NHWC.</summary>
    public static FeatureMap Images(int count, int size, int channels, int seed)
    {
        var images = FeatureMap.Alloc(count, size, size, channels);
        SynthRandom.ForLayer(seed, "test images").FillUniform(images.Data, 2f);
        return images;
    }

    public static string Extension(SynthFileFormat format) => format == SynthFileFormat.KerasArchive ? ".keras" : ".h5";

    /// <summary>Writes <paramref name="model"/> into <paramref name="dir"/> as <c>&lt;model name&gt;.h5</c> or <c>.keras</c>.</summary>
    public static string Write(SynthModel model, SynthFileFormat format, string dir)
    {
        var file = Path.Combine(dir, model.Name + Extension(format));
        KerasModelSynthesizer.Save(model, file, format);
        return file;
    }

    /// <summary>The file read back by our reader as Keras describes it (no folding, no fusion).</summary>
    public static ModelGraph ReadBack(string file) => KerasModelReader.ReadUnoptimized(file);

    /// <summary>
    /// Reads <paramref name="file"/> back and runs it in the FloatExecutor on one image: it must have the model's output
    /// shape and compute what the synthesizer's own forward pass computes. Returns the graph read.
    /// </summary>
    public static ModelGraph AssertReadBackComputesAsSynthesized(SynthModel model, string file, double tolerance = 1e-5)
    {
        var graph = ReadBack(file);
        CollectionAssert.AreEqual(new[] { 1 }.Concat(model.Output.OutputShape).ToArray(), graph.Outputs[0].Shape, $"{file}: output shape as read");
        var shape = model.Input.OutputShape;
        var image = Images(1, shape[0], shape[2], seed: 9);
        var expected = model.Run(image).Data;
        var actual = new FloatExecutor(graph).Run(image.Data);
        Assert.IsGreaterThan(0f, expected.Max() - expected.Min(), "the output is not a constant");
        NumericAssert.Close(expected, actual, tolerance, $"{Path.GetFileName(file)}: our reader + FloatExecutor vs the synthesizer's forward pass");
        return graph;
    }

    /// <summary>The entry (class_name, config, name, inbound_nodes …) of layer <paramref name="name"/> in a .h5 model_config or a .keras config.json.</summary>
    public static JsonObject LayerEntry(string file, string name) =>
        Layers(file).First(l => l["name"]!.GetValue<string>() == name);

    /// <summary>The first layer of class <paramref name="className"/> in a real Keras file, nested models included.</summary>
    public static JsonObject RealLayerEntry(string realFileName, string className) =>
        AllLayers(RootConfig(RepoPaths.KerasModel(realFileName))).First(l => l["class_name"]!.GetValue<string>() == className);

    /// <summary>
    /// Layer <paramref name="name"/> of <paramref name="file"/> has, in their order, the keys the first layer of its class
    /// in the real Keras file has: of the layer entry and of its config.
    /// </summary>
    public static void AssertKeysAsInRealFile(string file, string name, string realFileName)
    {
        var ours = LayerEntry(file, name);
        var real = RealLayerEntry(realFileName, ours["class_name"]!.GetValue<string>());
        CollectionAssert.AreEqual(Keys(real), Keys(ours), $"{name}: keys of the layer entry, as {realFileName} has them");
        CollectionAssert.AreEqual(Keys(real["config"]), Keys(ours["config"]), $"{name}: keys of its config, as {realFileName} has them");
    }

    /// <summary>The keys of a JSON object in their order; none for anything else.</summary>
    public static string[] Keys(JsonNode? node) => node is JsonObject o ? o.Select(p => p.Key).ToArray() : [];

    private static IEnumerable<JsonObject> Layers(string file) => RootConfig(file)["config"]!["layers"]!.AsArray().Select(l => l!.AsObject());

    private static JsonObject RootConfig(string file) =>
        KerasFileFormat.IsZip(file) ? KerasArchiveContents.Config(file) : KerasFileContents.ModelConfig(file);

    /// <summary>The model's own layers first, then those of the models nested in it.</summary>
    private static IEnumerable<JsonObject> AllLayers(JsonObject model)
    {
        var layers = model["config"]!["layers"]!.AsArray().Select(l => l!.AsObject()).ToList();
        return layers.Concat(layers.Where(l => l["config"]?["layers"] is JsonArray).SelectMany(AllLayers));
    }
}

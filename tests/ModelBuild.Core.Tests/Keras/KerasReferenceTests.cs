using System.Text.Json;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Every real Keras model in ../shared/models/keras is read and run in float; the output must match the
/// reference computed by two independent engines (max abs error ≤ 1e-4 of the output's range).
/// </summary>
[TestClass]
public sealed class KerasReferenceTests
{
    public static IEnumerable<object[]> Models => SharedKerasModels.All;

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Float_output_matches_the_reference(string file)
    {
        var graph = KerasModelReader.Read(RepoPaths.KerasModel(file));
        var input = ReferenceInput.For(graph.Inputs[0].Shape);
        var output = new FloatExecutor(graph).Run(input);
        var reference = LoadReference(file);

        var range = reference.Max() - reference.Min();
        NumericAssert.Close(reference, output, 1e-4 * Math.Max(range, 1e-6), $"{file}: float output vs the Keras reference (output range {range:G3})");
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Rewrites_do_not_change_the_float_output(string file)
    {
        var path = RepoPaths.KerasModel(file);
        var raw = KerasModelReader.ReadUnoptimized(path);
        var optimized = KerasModelReader.Read(path);
        var input = ReferenceInput.For(raw.Inputs[0].Shape);

        var a = new FloatExecutor(raw).Run(input);
        var b = new FloatExecutor(optimized).Run(input);

        Assert.IsLessThanOrEqualTo(raw.Nodes.Count, optimized.Nodes.Count, "rewrites never add nodes");
        NumericAssert.SameLengthAndFinite(a, b, $"{file}: output before and after rewrites");
        NumericAssert.Close(a, b, 1e-4 * Math.Max(a.Max() - a.Min(), 1e-6), $"{file}: rewrites changed the output");
    }

    private static float[] LoadReference(string file)
    {
        var stem = Path.GetFileNameWithoutExtension(file);
        var json = File.ReadAllText(Path.Combine(RepoPaths.KerasModels, stem + ".reference.json"));
        return JsonSerializer.Deserialize<float[]>(json)!;
    }
}

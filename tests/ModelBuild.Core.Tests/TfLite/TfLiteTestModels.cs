using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>Running IR graphs through our writer and the real TFLite runtime.</summary>
internal static class TfLiteTestModels
{
    /// <summary>Writes the graph, loads it in TFLite 2.9 and runs it on the given inputs (one array per model input).</summary>
    public static byte[][] RunInTfLite(ModelGraph graph, params Array[] inputs)
    {
        var bytes = TfLiteWriter.Write(graph);
        using var interpreter = TfLiteRuntime.Load(bytes);
        Assert.HasCount(graph.Inputs.Count, interpreter.Inputs);
        for (int i = 0; i < graph.Inputs.Count; i++)
            CollectionAssert.AreEqual(graph.Inputs[i].Shape, interpreter.Inputs[i].Shape, $"input {i} shape");
        for (int i = 0; i < graph.Outputs.Count; i++)
            CollectionAssert.AreEqual(graph.Outputs[i].Shape, interpreter.Outputs[i].Shape, $"output {i} shape as the runtime computed it");
        return interpreter.RunArrays(inputs);
    }

    public static float[] RandomFloats(Random r, long n, float amplitude = 1f) =>
        Enumerable.Range(0, (int)n).Select(_ => (float)(r.NextDouble() * 2 - 1) * amplitude).ToArray();

    public static sbyte[] RandomInt8(Random r, long n, int lo = -128, int hi = 127) =>
        Enumerable.Range(0, (int)n).Select(_ => (sbyte)r.Next(lo, hi + 1)).ToArray();
}

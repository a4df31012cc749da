using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>TFLite 2.9 as the judge of a one-op model: float within a tolerance, int8 bit for bit.</summary>
internal static class OneOpOracle
{
    /// <summary>A graph of one node whose output shape comes from its definition.</summary>
    public static ModelGraph OneNode(string name, OpType op, Tensor[] inputs, IReadOnlyList<Tensor?> nodeInputs, OpOptions? options = null)
    {
        var probe = new Node(name, op, nodeInputs, [new Tensor("probe", [])], options);
        var y = new Tensor(name, OperatorRegistry.For(op).InferOutputShape(probe));
        return new ModelGraph(name, inputs, [y], [new Node(name, op, nodeInputs, [y], options)]);
    }

    /// <summary>Random float inputs in [-1, 1]: our float executor and TFLite's float kernels agree within <paramref name="tolerance"/>.</summary>
    public static void FloatClose(ModelGraph g, double tolerance, int seed)
    {
        var r = new Random(seed);
        var inputs = g.Inputs.Select(t => Enumerable.Range(0, (int)t.ElementCount).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var feed = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < inputs.Length; i++) feed[g.Inputs[i]] = inputs[i];
        var ours = new FloatExecutor(g).Run(feed);
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(g));
        var expected = TfLiteInterpreter.AsFloat(tflite.RunArrays(inputs)[0]);
        Keras.FloatOutputAssert.Close(expected, ours[g.Outputs[0]], tolerance, $"{g.Name}: TFLite float vs FloatExecutor");
    }

    /// <summary>Min/max ranges of <paramref name="g"/> over 4 random inputs in [-amplitude, amplitude] (any graph name).</summary>
    public static CalibrationResult Calibrate(ModelGraph g, int seed, float amplitude = 1)
    {
        // CalibrateRandom reads the amplitude from the graph name's last '_' part.
        var named = new ModelGraph(FormattableString.Invariant($"oracle_{amplitude}"), g.Inputs, g.Outputs, g.Nodes);
        return CalibrateRandom(named, 4, seed);
    }

    /// <summary>
    /// Quantizes <paramref name="g"/> (min/max over random inputs in [-amplitude, amplitude], the last input scaled so)
    /// and asserts TFLite and Int8Executor agree bit for bit on random int8 inputs.
    /// </summary>
    public static ModelGraph Int8BitIdentical(ModelGraph g, int seed, int trials = 6, float amplitude = 1)
    {
        var int8 = Quantizer.Quantize(g, Calibrate(g, seed, amplitude));
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        var ours = new Int8Executor(int8);
        var r = new Random(seed * 31 + 7);
        for (int trial = 0; trial < trials; trial++)
        {
            var inputs = int8.Inputs.Select(t => RandomInt8((int)t.ElementCount, r)).ToList();
            var expected = TfLiteInterpreter.AsInt8(tflite.Run(inputs.Select(x => (byte[])(Array)x).ToArray())[0]);
            NumericAssert.Int8Identical(expected, ours.Run(inputs)[0], $"{g.Name} (trial {trial}): TFLite vs Int8Executor");
        }

        return int8;
    }
}

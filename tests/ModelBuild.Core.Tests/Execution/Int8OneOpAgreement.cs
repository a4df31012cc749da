using System.Text.RegularExpressions;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>
/// The one-op rows of <see cref="Int8OneOpModels"/>, split by the source file that holds their int8 kernel
/// (Execution/Int8/*.cs: bit-identity with TFLite 2.9) and their operator definition (Operators/*.cs: int8 against
/// float, read back from .tflite). A test class named after such a file takes its rows with <see cref="RowsOf"/>;
/// Int8ExecutorTests guards that every row is run by exactly one class of each kind.
/// </summary>
internal static class Int8OneOpAgreement
{
    private static readonly string CoreSources = Path.Combine(RepoPaths.Root, "src", "ModelBuild.Core");

    /// <summary>Row name → (kernel source file, definition source file), each like "Int8ConvKernels" / "PadDefinition".</summary>
    private static readonly Lazy<Dictionary<string, (string Kernel, string Definition)>> Files = new(() =>
        Int8OneOpModels.All().ToDictionary(c => c.Name, c => (KernelFile(c.Graph), DefinitionFile(c.Graph)), StringComparer.Ordinal));

    /// <summary>The row names of the source file a test class is named after ("Int8ConvKernelsTests" → rows of Int8ConvKernels.cs).</summary>
    public static IEnumerable<object[]> RowsOf(string testClass)
    {
        var file = testClass.EndsWith("Tests", StringComparison.Ordinal) ? testClass[..^"Tests".Length] : testClass;
        return Files.Value.Where(f => f.Value.Kernel == file || f.Value.Definition == file).Select(f => new object[] { f.Key }).ToList();
    }

    public static IReadOnlyDictionary<string, (string Kernel, string Definition)> SourceFilesOfRows => Files.Value;

    private static string KernelFile(ModelGraph floatGraph)
    {
        var int8 = Quantizer.Quantize(floatGraph, CalibrateRandom(floatGraph, 2, 11));
        var node = int8.Nodes.Single();
        return DeclaringFile("Execution/Int8", OperatorRegistry.For(node).CreateInt8Kernel(node).GetType().Name);
    }

    private static string DefinitionFile(ModelGraph floatGraph) =>
        DeclaringFile("Operators", OperatorRegistry.For(floatGraph.Nodes.Single()).GetType().Name);

    private static string DeclaringFile(string folder, string className)
    {
        var declaration = new Regex($@"\bclass\s+{className}\b");
        var files = Directory.EnumerateFiles(Path.Combine(CoreSources, folder), "*.cs")
            .Where(f => declaration.IsMatch(File.ReadAllText(f))).Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.AreEqual(1, files.Count, $"class {className} is declared in {files.Count} files of {folder}");
        return files[0]!;
    }

    public static ModelGraph Row(string name, int seed = 1) => Int8OneOpModels.All(seed).Single(c => c.Name == name).Graph;

    /// <summary>The row quantized with min/max ranges over 4 random inputs (seed 11), as the agreement tests quantize it.</summary>
    public static ModelGraph Quantized(string name)
    {
        var g = Row(name);
        return Quantizer.Quantize(g, CalibrateRandom(g, 4, 11));
    }

    /// <summary>Quantized (min/max of random inputs), run by TFLite 2.9 and the Int8Executor on 8 random inputs: identical bytes.</summary>
    public static void AssertBitIdentical(string name, ModelGraph floatGraph, QuantizationOptions options, int calibrationSeed)
    {
        var int8 = Quantizer.Quantize(floatGraph, CalibrateRandom(floatGraph, 4, calibrationSeed), options);
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        var ours = new Int8Executor(int8);
        var r = new Random(calibrationSeed * 31 + 7);
        for (int trial = 0; trial < 8; trial++)
        {
            var inputs = int8.Inputs.Select(t => RandomInt8((int)t.ElementCount, r)).ToList();
            var expected = tflite.Run(inputs.Select(AsBytes).ToArray())[0].Select(b => (sbyte)b).ToArray();
            var actual = ours.Run(inputs)[0];
            NumericAssert.Int8Identical(expected, actual, $"{name} (trial {trial}): TFLite vs Int8Executor");
        }
    }

    public static void AssertBitIdentical(string name, QuantizationOptions options) => AssertBitIdentical(name, Row(name), options, calibrationSeed: 11);

    /// <summary>Other random weights and calibration ranges (another seed) exercise other multipliers, shifts and rounding ties.</summary>
    public static void AssertBitIdenticalWithOtherWeights(string testClass, int seed)
    {
        var rows = RowsOf(testClass).Select(r => (string)r[0]).ToHashSet(StringComparer.Ordinal);
        Assert.IsNotEmpty(rows, testClass);
        foreach (var (name, graph) in Int8OneOpModels.All(seed).Where(c => rows.Contains(c.Name)))
            AssertBitIdentical(name, graph, new QuantizationOptions(), calibrationSeed: seed);
    }

    private static byte[] AsBytes(sbyte[] v) => v.Select(b => (byte)b).ToArray();

    /// <summary>The int8 model (calibrated on the inputs tested) computes what the float model computes within two output steps (+2% of the largest value).</summary>
    public static void AssertMatchesFloatWithinTwoOutputSteps(string name)
    {
        var floatGraph = Row(name);
        // Calibrated on the very inputs tested below (the first 3 of seed 11), so no value saturates.
        var int8 = Quantizer.Quantize(floatGraph, CalibrateRandom(floatGraph, 6, seed: 11));
        var int8Exec = new Int8Executor(int8);
        var floatExec = new FloatExecutor(floatGraph);
        var r = new Random(11);
        var amp = Int8OneOpModels.Amplitudes(floatGraph);
        for (int trial = 0; trial < 3; trial++)
        {
            var inputs = RandomInputs(floatGraph, amp, r);
            var qIn = int8.Inputs.Select((t, i) => Quantize(inputs[floatGraph.Inputs[i]], t.Quant!)).ToList();
            var deq = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < qIn.Count; i++) deq[floatGraph.Inputs[i]] = Dequantize(qIn[i], int8.Inputs[i].Quant!);
            var expected = floatExec.Run(deq)[floatGraph.Outputs[0]];
            var outQ = int8.Outputs[0].Quant!;
            var actual = Dequantize(int8Exec.Run(qIn)[0], outQ);
            NumericAssert.SameLengthAndFinite(expected, actual, $"{name}: float vs int8 output");
            double tol = 2.01 * outQ.Scale[0] + 0.02 * expected.Max(Math.Abs);
            for (int i = 0; i < expected.Length; i++)
                Assert.IsLessThanOrEqualTo(tol, Math.Abs(expected[i] - actual[i]),
                    $"{name}: element {i}: float {expected[i]}, int8 {actual[i]} (output scale {outQ.Scale[0]})");
        }
    }

    /// <summary>The int8 model written to .tflite and read back (how artifacts are chained) runs exactly as the graph in memory.</summary>
    public static void AssertReadBackRunsIdentically(string name)
    {
        var floatGraph = Row(name);
        var int8 = Quantizer.Quantize(floatGraph, CalibrateRandom(floatGraph, 4, 11));
        var readBack = TfLiteReader.Read(TfLiteWriter.Write(int8));
        var a = new Int8Executor(int8);
        var b = new Int8Executor(readBack);
        var r = new Random(2);
        for (int trial = 0; trial < 3; trial++)
        {
            var inputs = int8.Inputs.Select(t => RandomInt8((int)t.ElementCount, r)).ToList();
            CollectionAssert.AreEqual(a.Run(inputs)[0], b.Run(inputs)[0], name);
        }
    }
}

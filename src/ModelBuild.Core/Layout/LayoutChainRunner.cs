using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Files;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Layout;

/// <summary>
/// Runs a layout folder (<c>full_split</c> or <c>pairs_kN</c>) the way it is deployed: its models one after another,
/// each output feeding the next input, in .NET with the Int8Executor (TFLite integer arithmetic).
/// </summary>
/// <remarks>
/// The folder's meta.json decides the order. Every model file is checked against the SHA-256 meta.json recorded
/// (MB5053), so a layout edited or half-copied after the build is refused rather than run.
/// </remarks>
public sealed class LayoutChainRunner
{
    private readonly List<Int8Executor> _models;

    public LayoutChainRunner(string comboFolder)
    {
        var metaPath = Path.Combine(comboFolder, ComboMeta.FileName);
        if (!File.Exists(metaPath))
            throw new ModelBuildException("MB5051", metaPath, "is missing: the folder is not a ModelBuild layout (full_split or pairs_kN); point at one of those folders.");
        Meta = ComboMeta.FromJson(File.ReadAllText(metaPath));
        _models = Meta.Models.OrderBy(m => m.Order).Select(m => new Int8Executor(TfLiteReader.Read(ReadModel(comboFolder, m), m.File))).ToList();
    }

    /// <summary>Opens combo <paramref name="combo"/> (<c>full_split</c>, <c>pairs_k3</c>, …) of a model's layout folder.</summary>
    public static LayoutChainRunner Open(string modelLayoutFolder, string combo) => new(Path.Combine(modelLayoutFolder, combo));

    public ComboMeta Meta { get; }

    /// <summary>The chain's input: the first model's input (int8, with its scale and zero point).</summary>
    public TensorInfo Input => Meta.Models[0].Inputs[0];

    /// <summary>The chain's output: the last model's output.</summary>
    public TensorInfo Output => Meta.Models[^1].Outputs[0];

    /// <summary>int8 in, int8 out: exactly what the deployed chain computes.</summary>
    public sbyte[] RunInt8(sbyte[] input)
    {
        long expected = Input.Shape.Aggregate(1L, (a, d) => a * d);
        if (input.Length != expected)
            throw new ArgumentException($"The chain's input '{Input.Name}' has shape ({string.Join(",", Input.Shape)}) = {expected} values; got {input.Length}.", nameof(input));
        var x = input;
        foreach (var model in _models) x = model.Run(x);
        return x;
    }

    /// <summary>
    /// Float in, float out: quantizes with the first model's input parameters (round half away from zero, clamp to
    /// int8, as TFLite's QUANTIZE does), runs the int8 chain and dequantizes the last output.
    /// </summary>
    public float[] RunFloat(float[] input)
    {
        var (scale, zero) = PerTensor(Input);
        var q = new sbyte[input.Length];
        for (int i = 0; i < input.Length; i++)
            q[i] = (sbyte)Math.Clamp(Math.Round(input[i] / scale, MidpointRounding.AwayFromZero) + zero, -128, 127);
        var y = RunInt8(q);
        var (outScale, outZero) = PerTensor(Output);
        return y.Select(v => (float)((v - outZero) * outScale)).ToArray();
    }

    private static (float Scale, long Zero) PerTensor(TensorInfo t) =>
        t.Scale.Length == 1 && t.ZeroPoint.Length == 1
            ? (t.Scale[0], t.ZeroPoint[0])
            : throw new InvalidOperationException($"Tensor '{t.Name}' has no per-tensor quantization in meta.json; run the chain with RunInt8.");

    private static byte[] ReadModel(string comboFolder, ComboModelEntry m)
    {
        var path = Path.Combine(comboFolder, m.File);
        if (!File.Exists(path))
            throw new ModelBuildException("MB5052", path, $"is listed in meta.json (model {m.Order} of the chain) but missing; copy the whole layout folder, or build again.");
        var bytes = File.ReadAllBytes(path);
        if (!string.IsNullOrEmpty(m.Sha256) && AtomicFiles.Sha256(bytes) != m.Sha256)
            throw new ModelBuildException("MB5053", path, "does not match the SHA-256 recorded in meta.json: the file changed after the build; build again.");
        return bytes;
    }
}

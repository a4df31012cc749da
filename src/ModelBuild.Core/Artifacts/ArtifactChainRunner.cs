using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Artifacts;

/// <summary>
/// Runs a layout folder (<c>full_split</c> or <c>pairs_kN</c>) the way it is deployed: its models one after another,
/// each output feeding the next input, in .NET with the Int8Executor (TFLite integer arithmetic).
/// </summary>
public sealed class ArtifactChainRunner
{
    private readonly List<Int8Executor> _models;

    public ArtifactChainRunner(string comboFolder)
    {
        var metaPath = Path.Combine(comboFolder, "meta.json");
        if (!File.Exists(metaPath))
            throw new ModelBuildException("MB5051", metaPath, "is missing: the folder is not a ModelBuild layout (full_split or pairs_kN); point at one of those folders.");
        Meta = ComboMeta.FromJson(File.ReadAllText(metaPath));
        _models = Meta.Models.OrderBy(m => m.Order).Select(m => new Int8Executor(TfLiteReader.Read(Path.Combine(comboFolder, m.File)))).ToList();
    }

    public ComboMeta Meta { get; }

    public TensorInfo Input => Meta.Models[0].Inputs[0];

    public TensorInfo Output => Meta.Models[^1].Outputs[0];

    /// <summary>int8 in, int8 out: exactly what the deployed chain computes.</summary>
    public sbyte[] RunInt8(sbyte[] input)
    {
        var x = input;
        foreach (var model in _models) x = model.Run(x);
        return x;
    }

    /// <summary>Float in, float out: quantizes with the first model's input parameters, dequantizes the last output.</summary>
    public float[] RunFloat(float[] input)
    {
        float scale = Input.Scale[0];
        long zero = Input.ZeroPoint[0];
        var q = new sbyte[input.Length];
        for (int i = 0; i < input.Length; i++)
            q[i] = (sbyte)Math.Clamp(Math.Round(input[i] / scale, MidpointRounding.AwayFromZero) + zero, -128, 127);
        var y = RunInt8(q);
        float outScale = Output.Scale[0];
        long outZero = Output.ZeroPoint[0];
        return y.Select(v => (float)((v - outZero) * outScale)).ToArray();
    }
}

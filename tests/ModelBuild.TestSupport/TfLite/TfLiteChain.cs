using ModelBuild.Core.Layout;

namespace ModelBuild.TestSupport;

/// <summary>
/// Runs int8 models one after another in the real TFLite runtime, each output feeding the next input, as a
/// segmented deployment does. Every model must have exactly one input and one output, both int8, and each input
/// must take exactly as many values as the previous output holds.
/// </summary>
public static class TfLiteChain
{
    /// <summary>The output of every model of the chain, in order (the last one is the chain's output).</summary>
    public static List<sbyte[]> RunSteps(IEnumerable<(string Name, byte[] Model)> models, sbyte[] input)
    {
        var outputs = new List<sbyte[]>();
        var x = input;
        foreach (var (name, bytes) in models)
        {
            using var interpreter = TfLiteRuntime.Load(bytes);
            RequireOneInt8InAndOut(interpreter, name, x.Length);
            x = interpreter.RunInt8(x);
            outputs.Add(x);
        }

        return outputs;
    }

    /// <summary>The chain's output.</summary>
    public static sbyte[] Run(IEnumerable<(string Name, byte[] Model)> models, sbyte[] input) => RunSteps(models, input)[^1];

    /// <summary>
    /// The output of every model of a layout folder (<c>full_split</c> or <c>pairs_kN</c>), in the order its
    /// meta.json gives.
    /// </summary>
    public static List<sbyte[]> RunComboSteps(string comboFolder, sbyte[] input) => RunSteps(ComboModels(comboFolder), input);

    /// <summary>The output of a layout folder's chain.</summary>
    public static sbyte[] RunCombo(string comboFolder, sbyte[] input) => RunComboSteps(comboFolder, input)[^1];

    /// <summary>A layout folder's model files in meta.json's order, by their path relative to the folder.</summary>
    public static IEnumerable<(string Name, byte[] Model)> ComboModels(string comboFolder)
    {
        var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(comboFolder, "meta.json")));
        return meta.Models.OrderBy(m => m.Order).Select(m => (m.File, File.ReadAllBytes(Path.Combine(comboFolder, m.File))));
    }

    private static void RequireOneInt8InAndOut(TfLiteInterpreter interpreter, string name, int inputLength)
    {
        if (interpreter.Inputs.Count != 1 || interpreter.Outputs.Count != 1)
            throw new InvalidOperationException($"{name}: a chain link needs one input and one output; TFLite sees {interpreter.Inputs.Count} and {interpreter.Outputs.Count}.");
        var (i, o) = (interpreter.Inputs[0], interpreter.Outputs[0]);
        if (i.Type != TfLiteTensorType.Int8 || o.Type != TfLiteTensorType.Int8)
            throw new InvalidOperationException($"{name}: a chain link is int8 in and out; TFLite sees input {i} and output {o}.");
        if (i.ByteSize != inputLength)
            throw new InvalidOperationException($"{name}: input {i} takes {i.ByteSize} values, but the previous link gave {inputLength}.");
    }
}

using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization;

/// <summary>
/// The float side of the accuracy report kept during calibration's own float pass: every tensor of the float model on
/// the first samples of the pass. When too few samples were given to hold any back, the report's inputs are those
/// first samples, and the report then compares the int8 model with these values instead of packing and running a
/// float executor of its own (<see cref="AccuracyEvaluator"/>). Kept only when it fits <see cref="BudgetBytes"/>.
/// </summary>
public sealed class FloatReference(int capacity) : ITensorObserver
{
    /// <summary>The most a build keeps: ResNet101 at 224×224 needs about 100 MB per input.</summary>
    public const long BudgetBytes = 512L << 20;

    private readonly Dictionary<string, List<float[]>> kept = new(StringComparer.Ordinal);

    /// <summary>How many inputs are kept at most.</summary>
    public int Capacity => capacity;

    /// <summary>A reference for <paramref name="inputs"/> inputs of <paramref name="floatGraph"/>, or null when their values exceed <see cref="BudgetBytes"/>.</summary>
    public static FloatReference? Within(ModelGraph floatGraph, int inputs) =>
        BytesPerInput(floatGraph) * inputs <= BudgetBytes ? new FloatReference(inputs) : null;

    /// <summary>What one input's float values of every runtime tensor (model inputs and node outputs) take.</summary>
    public static long BytesPerInput(ModelGraph floatGraph) =>
        floatGraph.Inputs.Concat(floatGraph.Nodes.Select(n => n.Outputs[0])).Distinct().Sum(t => t.ElementCount / Math.Max(1, t.Shape[0]) * sizeof(float));

    public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
    {
        if (!kept.TryGetValue(tensor.Name, out var list)) kept[tensor.Name] = list = [];
        int per = values.Length / batch;
        for (int b = 0; b < batch && list.Count < capacity; b++)
        {
            var copy = GC.AllocateUninitializedArray<float>(per); // written whole just below: no zeroing pass first
            values.Slice(b * per, per).CopyTo(copy);
            list.Add(copy);
        }
    }

    /// <summary>
    /// True when the kept values are of <paramref name="inputs"/> (the model input of <paramref name="floatGraph"/> holds
    /// them, in order); values beyond them are dropped. False (and everything dropped) otherwise: the report runs the
    /// float model itself.
    /// </summary>
    public bool Holds(ModelGraph floatGraph, IReadOnlyList<float[]> inputs)
    {
        var input = floatGraph.Inputs[0].Name;
        bool holds = inputs.Count <= capacity
                     && Enumerable.Range(0, inputs.Count).All(b => Value(input, b) is { } kept && kept.AsSpan().SequenceEqual(inputs[b]));
        foreach (var list in kept.Values)
            if (list.Count > inputs.Count) list.RemoveRange(inputs.Count, list.Count - inputs.Count);
        if (!holds) kept.Clear();
        return holds;
    }

    /// <summary>Drops every kept value (whoever still holds this reference, e.g. the settings of the calibration that filled it).</summary>
    public void Release() => kept.Clear();

    /// <summary>The tensors whose values are kept (every one the pass observed).</summary>
    public IEnumerable<string> Tensors => kept.Keys;

    /// <summary>The float model's value of <paramref name="tensor"/> on input <paramref name="input"/>; null when not kept.</summary>
    public float[]? Value(string tensor, int input) => kept.TryGetValue(tensor, out var values) && input < values.Count ? values[input] : null;
}

using System.Text.Json.Nodes;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>
/// Keras 3 operations in a functional config: `x + 3.0` or `keras.ops.hard_silu(x)` on a KerasTensor is saved as a
/// node of its own (`"module": "keras.src.ops.numpy"`, class_name "Add", args [tensor, 3.0]), not as a layer.
/// Keras 3's MobileNetV3 writes hard_sigmoid as ReLU(6.0)(x + 3.0) * (1.0 / 6.0).
/// </summary>
internal sealed partial class LayerConverter
{
    // A property, not a field: SupportedLayers reads it during static initialization.
    private static string[] KerasOperationNames =>
    [
        "Add", "Subtract", "Multiply", "Divide", "TrueDivide", "Maximum", "Minimum", "Relu", "Relu6", "Sigmoid", "Tanh", "Silu", "Swish", "HardSigmoid", "HardSilu", "HardSwish",
    ];

    /// <summary>What SupportedLayers says about these operations.</summary>
    private static string KerasOperationsSupported => $"Keras 3 operations ({string.Join(", ", KerasOperationNames)}; tensors and number constants)";

    public static bool IsKerasOperation(JsonObject layer) =>
        layer["module"] is JsonValue m && m.TryGetValue<string>(out var module) && (module.StartsWith("keras.src.ops", StringComparison.Ordinal) || module.StartsWith("keras.ops", StringComparison.Ordinal));

    public Tensor ConvertOperation(string name, string className, IReadOnlyList<Tensor> inputs, JsonArray args, JsonObject? kwargs)
    {
        _layer = name;
        _class = className;
        g.Current = (name, className);
        if (inputs.Count == 0) throw Unsupported("without a tensor operand");
        switch (className)
        {
            case "Relu": return Activation("relu", inputs[0], name);
            case "Relu6": return Activation("relu6", inputs[0], name);
            case "Sigmoid": return Activation("sigmoid", inputs[0], name);
            case "Tanh": return Activation("tanh", inputs[0], name);
            case "Silu" or "Swish": return Swish(inputs[0], name);
            case "HardSigmoid": return HardSigmoid(inputs[0], name, keras2Slope: false);
            case "HardSilu" or "HardSwish": return HardSwish(inputs[0], name);
        }

        OpType op = className switch
        {
            "Add" => OpType.Add,
            "Subtract" => OpType.Sub,
            "Multiply" or "Divide" or "TrueDivide" => OpType.Mul,
            "Maximum" => OpType.Maximum,
            "Minimum" => OpType.Minimum,
            _ => throw Unsupported("(a Keras operation)"),
        };
        if (args.Count != 2 || kwargs is { Count: > 0 }) throw Unsupported("with other than two positional operands");
        bool divide = className is "Divide" or "TrueDivide";
        if (divide && !IsKerasTensor(args[0])) throw Unsupported("dividing a constant by a tensor");
        if (divide && IsKerasTensor(args[1])) throw Unsupported("dividing by a tensor");
        // Tensors arrive in `inputs` in the order of the args; a constant operand becomes a [1] or [C] constant.
        int next = 0;
        var operands = new Tensor[2];
        for (int i = 0; i < 2; i++)
            operands[i] = IsKerasTensor(args[i]) ? inputs[next++] : OperandConstant(args[i], inputs[0], reciprocal: divide);
        var shape = Operators.ShapeInference.Broadcast(operands[0].Shape, operands[1].Shape);
        return g.Emit(op, name, shape, operands, op is OpType.Maximum or OpType.Minimum ? null : new ElementwiseOptions());
    }

    private static bool IsKerasTensor(JsonNode? n) => n is JsonObject o && o["class_name"]?.GetValue<string>() == "__keras_tensor__";

    private Tensor OperandConstant(JsonNode? value, Tensor other, bool reciprocal)
    {
        var values = value switch
        {
            JsonValue v when v.TryGetValue<double>(out var d) => [(float)d],
            JsonArray a when a.All(e => e is JsonValue) => a.Select(e => (float)e!.GetValue<double>()).ToArray(),
            _ => throw Unsupported($"with the operand {value?.ToJsonString() ?? "null"} (only tensors and number constants are supported)"),
        };
        if (values.Length != 1 && values.Length != other.Shape[^1])
            throw Unsupported($"with a constant of {values.Length} values against [{string.Join(", ", other.Shape)}] (only a scalar or one value per channel)");
        if (reciprocal) values = values.Select(v => 1 / v).ToArray();
        return g.Constant(_layer + "/constant", [values.Length], values);
    }
}

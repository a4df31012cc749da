using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>Keras 2 TFOpLambda layers: the raw TensorFlow functions this converter maps to elementwise ops.</summary>
internal sealed partial class LayerConverter
{
    /// <summary>A Keras 2 TFOpLambda (a raw TensorFlow function applied in a functional model, e.g. `x + 3.0`).</summary>
    private Tensor TfOp(KerasConfig cfg, IReadOnlyList<Tensor> inputs, System.Text.Json.Nodes.JsonObject? kwargs)
    {
        var fn = cfg.String("function", "");
        var x = inputs[0];
        switch (fn)
        {
            case "nn.relu": return Activation("relu", x, _layer);
            case "nn.relu6": return Activation("relu6", x, _layer);
            case "math.sigmoid" or "nn.sigmoid": return Activation("sigmoid", x, _layer);
            case "math.tanh" or "nn.tanh": return Activation("tanh", x, _layer);
            case "nn.swish" or "nn.silu": return Activation("swish", x, _layer);
        }

        OpType? op = fn switch
        {
            "__operators__.add" or "math.add" => OpType.Add,
            "math.subtract" => OpType.Sub,
            "math.multiply" or "math.truediv" => OpType.Mul,
            "math.maximum" => OpType.Maximum,
            "math.minimum" => OpType.Minimum,
            _ => null,
        };
        if (op is null) throw Unsupported($"(function '{fn}')");
        Tensor y;
        if (inputs.Count > 1)
        {
            if (fn == "math.truediv") throw Unsupported("(function 'math.truediv' by a tensor)");
            y = inputs[1];
        }
        else
        {
            var yCfg = new KerasConfig(kwargs ?? []);
            if (!yCfg.Has("y")) throw Unsupported($"(function '{fn}' without a second operand)");
            var values = ConstantList(yCfg, "y", 0, x);
            if (fn == "math.truediv") values = values.Select(v => 1 / v).ToArray();
            y = g.Constant(_layer + "/y", [values.Length], values);
        }

        var shape = x.ElementCount >= y.ElementCount ? x.Shape : y.Shape;
        return g.Emit(op.Value, _layer, shape, [x, y], op is OpType.Maximum or OpType.Minimum ? null : new ElementwiseOptions());
    }
}

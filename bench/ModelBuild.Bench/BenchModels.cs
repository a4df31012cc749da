using ModelBuild.Core.Graph;

namespace ModelBuild.Bench;

/// <summary>Keras-applications-shaped networks (BatchNorm already folded, as our reader emits them), built in code.</summary>
internal static class BenchModels
{
    public static (ModelGraph Graph, double Flops) ByName(string name) => name switch
    {
        "resnet50" => ResNet(name, [3, 4, 6, 3]),
        "resnet101" => ResNet(name, [3, 4, 23, 3]),
        "resnet152" => ResNet(name, [3, 8, 36, 3]),
        "mobilenetv2" => MobileNetV2(),
        _ => throw new ArgumentException($"unknown model '{name}'; known: resnet50, resnet101, resnet152, mobilenetv2"),
    };

    /// <summary>ResNet v1 (keras.applications): 7×7/2 stem, 3×3/2 max pool, bottleneck stacks with the stride on the first 1×1.</summary>
    public static (ModelGraph, double) ResNet(string name, int[] blocks, int size = 224)
    {
        var b = new BenchGraphBuilder(name, [1, size, size, 3]);
        var x = b.Conv(b.Pad(b.Input, 3), 64, 7, 2, Padding.Valid);
        x = b.MaxPool(b.Pad(x, 1), 3, 2);
        int[] filters = [64, 128, 256, 512];
        for (int s = 0; s < 4; s++)
            for (int i = 0; i < blocks[s]; i++)
            {
                int stride = i == 0 && s > 0 ? 2 : 1;
                var shortcut = i == 0 ? b.Conv(x, 4 * filters[s], 1, stride, act: FusedActivation.None, gain: 0.5f) : x;
                var y = b.Conv(x, filters[s], 1, stride);
                y = b.Conv(y, filters[s], 3, 1);
                y = b.Conv(y, 4 * filters[s], 1, 1, act: FusedActivation.None, gain: 0.2f);
                x = b.Add(shortcut, y, FusedActivation.Relu);
            }

        var output = b.Softmax(b.Dense(b.GlobalAveragePool(x), 1000));
        return (b.Build(output), b.Flops);
    }

    /// <summary>MobileNetV2 1.0: inverted residuals (1×1 expand, 3×3 depthwise, 1×1 linear project), ReLU6.</summary>
    public static (ModelGraph, double) MobileNetV2(int size = 224)
    {
        var b = new BenchGraphBuilder("mobilenetv2", [1, size, size, 3]);
        var x = b.Conv(b.Input, 32, 3, 2, act: FusedActivation.Relu6);
        x = b.Depthwise(x, 3, 1);
        x = b.Conv(x, 16, 1, 1, act: FusedActivation.None);
        (int T, int C, int N, int S)[] settings = [(6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];
        foreach (var (t, c, n, s) in settings)
            for (int i = 0; i < n; i++)
            {
                int stride = i == 0 ? s : 1;
                var y = b.Conv(x, x.Shape[3] * t, 1, 1, act: FusedActivation.Relu6);
                y = b.Depthwise(y, 3, stride);
                y = b.Conv(y, c, 1, 1, act: FusedActivation.None);
                x = stride == 1 && x.Shape[3] == c ? b.Add(x, y) : y;
            }

        x = b.Conv(x, 1280, 1, 1, act: FusedActivation.Relu6);
        var output = b.Softmax(b.Dense(b.GlobalAveragePool(x), 1000));
        return (b.Build(output), b.Flops);
    }
}

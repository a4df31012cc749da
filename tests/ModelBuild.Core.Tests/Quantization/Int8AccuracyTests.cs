using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Quantization;

[TestClass]
public sealed class Int8AccuracyTests
{
    private const string MobileNet = "02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5";

    [TestMethod]
    public void Int8MobileNetClassifiesTheBirdAsChickadeeLikeFloat()
    {
        var floatGraph = KerasModelReader.Read(RepoPaths.KerasModel(MobileNet));
        var shape = floatGraph.Inputs[0].Shape;
        var ranges = Calibrator.Calibrate(floatGraph, AccuracyInputs.Samples("02", shape), new RecordingBuildLog());
        var int8 = Quantizer.Quantize(floatGraph, ranges);

        var bird = AccuracyInputs.Samples("02", shape, mirrored: false).First();
        var floatOut = new FloatExecutor(floatGraph).Run(bird);
        var int8Out = RunOnRealValues(new Int8Executor(int8), bird);

        Assert.AreEqual(19, ArgMax(floatOut), "float model");
        Assert.AreEqual(19, ArgMax(int8Out), "int8 model");
        Console.WriteLine($"float p={floatOut[19]:F3}, int8 p={int8Out[19]:F3}");
    }

    internal static int ArgMax(float[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}

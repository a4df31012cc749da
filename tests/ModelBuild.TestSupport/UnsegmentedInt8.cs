using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Quantization.Equalization;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.TfLite;

namespace ModelBuild.TestSupport;

/// <summary>What a laid-out chain is judged against: the whole model quantized in-process as ConvertInt8 does it.</summary>
public static class UnsegmentedInt8
{
    /// <summary>The whole model's int8 .tflite (WeightPreparation.Convert): same file, same calibration images and count, per-channel.</summary>
    public static byte[] Model(string model, string calib, int[] inputShape, Preprocessing preprocessing, int samples)
    {
        var graph = KerasModelReader.Read(model);
        var calibration = CalibrationDataLoader.Load(calib, inputShape, new CalibrationOptions { Preprocessing = preprocessing, MaxSamples = samples }, new RecordingBuildLog(), model);
        return TfLiteWriter.Write(WeightPreparation.Convert(graph, calibration, new QuantizationOptions { PerChannel = true }, new RecordingBuildLog()).Int8);
    }

    /// <summary>A photo of ../shared/images preprocessed and quantized with the first model's input parameters.</summary>
    public static sbyte[] Photo(string image, TensorInfo input, Preprocessing preprocessing)
    {
        var photo = CalibrationDataLoader.Load(RepoPaths.Image(image), input.Shape, new CalibrationOptions { MaxSamples = 1, Preprocessing = preprocessing }, new RecordingBuildLog()).Single();
        return photo.Select(v => QuantParamMath.QuantizeAffine(v, input.Scale[0], input.ZeroPoint[0])).ToArray();
    }
}

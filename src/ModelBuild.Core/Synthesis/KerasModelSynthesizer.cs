using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Synthesis.Architectures;
using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis;

/// <summary>
/// Writes a Keras 2 full-model .h5 or a Keras 3 .keras (<see cref="SynthOptions.Format"/>) of a keras.applications architecture with random weights, for tests and the
/// sample: exact layer names, shapes and configs; seeded He-uniform kernels; batch-norm moving statistics measured
/// on a forward pass over random images, so activations stay in a realistic range through the whole network.
/// The same architecture, seed and options give a byte-identical file.
/// </summary>
public static class KerasModelSynthesizer
{
    /// <summary>Writes <paramref name="arch"/> with keras.applications' default input (224×224×3; Xception, InceptionV3 299×299×3) and 1000 classes to <paramref name="h5Path"/>.</summary>
    public static void Write(string h5Path, SynthArchitecture arch, int seed) => Write(h5Path, arch, seed, new SynthOptions());

    /// <summary>Writes <paramref name="arch"/> with the sizes and format in <paramref name="options"/> to <paramref name="h5Path"/>.</summary>
    public static void Write(string h5Path, SynthArchitecture arch, int seed, SynthOptions options) => Save(Build(arch, seed, options), h5Path, options.Format);

    /// <summary>Writes a built model; the file appears complete or not at all.</summary>
    internal static void Save(SynthModel model, string h5Path, SynthFileFormat format = SynthFileFormat.KerasH5)
    {
        var full = Path.GetFullPath(h5Path);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (format == SynthFileFormat.KerasArchive) KerasArchiveWriter.Write(temp, model);
            else KerasH5Writer.Write(temp, model);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelBuildException("MB5060", h5Path,
                $"the synthesized model '{model.Name}' could not be written ({e.Message}); check that the folder is writable and the disk has space.", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The model with its weights and measured batch-norm statistics, before it is written.</summary>
    internal static SynthModel Build(SynthArchitecture arch, int seed, SynthOptions options)
    {
        int size = options.Validate(DefaultInputSize(arch), MinimumInputSize(arch));
        var model = arch switch
        {
            SynthArchitecture.ResNet50 => ResNetV1.Build("resnet50", [3, 4, 6, 3], size, options.Classes),
            SynthArchitecture.ResNet101 => ResNetV1.Build("resnet101", [3, 4, 23, 3], size, options.Classes),
            SynthArchitecture.ResNet152 => ResNetV1.Build("resnet152", [3, 8, 36, 3], size, options.Classes),
            SynthArchitecture.MobileNetV2 => MobileNetV2.Build(size, options.Classes),
            SynthArchitecture.DenseNet121 => DenseNet.Build("densenet121", [6, 12, 24, 16], size, options.Classes),
            SynthArchitecture.Xception => Xception.Build(size, options.Classes),
            SynthArchitecture.InceptionV3 => InceptionV3.Build(size, options.Classes),
            SynthArchitecture.NASNetMobile => NASNetMobile.Build(size, options.Classes),
            SynthArchitecture.EfficientNetB0 => EfficientNet.BuildB0(size, options.Classes),
            SynthArchitecture.MobileNetV3Small => MobileNetV3.Build(large: false, size, options.Classes, options.Format),
            SynthArchitecture.MobileNetV3Large => MobileNetV3.Build(large: true, size, options.Classes, options.Format),
            SynthArchitecture.EfficientNetV2B0 => EfficientNetV2.BuildB0(size, options.Classes),
            _ => throw new ArgumentOutOfRangeException(nameof(arch), arch, "unknown architecture"),
        };
        model.Initialize(seed);

        Action<float[]> preprocess = Preprocessing(arch);
        var images = CalibrationImages.Make(options.CalibrationImages, options.CalibrationSize ?? size, seed, preprocess);
        model.Run(images, measure: true);
        var missed = model.Layers.OfType<BatchNormalizationLayer>().FirstOrDefault(b => !b.Measured);
        if (missed is not null) throw new InvalidOperationException($"batch norm '{missed.Name}' was not reached by the statistics pass.");
        return model;
    }

    /// <summary>keras.applications' default input (height and width) for <paramref name="arch"/>.</summary>
    public static int DefaultInputSize(SynthArchitecture arch) => arch switch
    {
        SynthArchitecture.Xception or SynthArchitecture.InceptionV3 => 299,
        _ => SynthOptions.KerasDefaultInputSize,
    };

    /// <summary>keras.applications' smallest input (height and width) for <paramref name="arch"/> with random weights.</summary>
    public static int MinimumInputSize(SynthArchitecture arch) => arch switch
    {
        SynthArchitecture.Xception => Xception.MinimumInputSize,
        SynthArchitecture.InceptionV3 => InceptionV3.MinimumInputSize,
        _ => SynthOptions.KerasMinimumInputSize,
    };

    /// <summary>
    /// The mode of keras.applications' preprocess_input for <paramref name="arch"/>, as KerasModel's Preprocessing
    /// names it: "caffe", "torch", "tf", or "none" for the families that rescale inside the model (EfficientNet's
    /// Rescaling and Normalization, MobileNetV3's Rescaling).
    /// </summary>
    public static string PreprocessingName(SynthArchitecture arch) => arch switch
    {
        SynthArchitecture.ResNet50 or SynthArchitecture.ResNet101 or SynthArchitecture.ResNet152 => "caffe",
        SynthArchitecture.DenseNet121 => "torch",
        SynthArchitecture.EfficientNetB0 or SynthArchitecture.EfficientNetV2B0 or SynthArchitecture.MobileNetV3Small or SynthArchitecture.MobileNetV3Large => "none",
        _ => "tf",
    };

    /// <summary>The architecture's preprocess_input, applied to the statistics pass's images.</summary>
    internal static Action<float[]> Preprocessing(SynthArchitecture arch) => PreprocessingName(arch) switch
    {
        "caffe" => CalibrationImages.Caffe,
        "torch" => CalibrationImages.Torch,
        "none" => CalibrationImages.Raw,
        _ => CalibrationImages.Tf,
    };
}

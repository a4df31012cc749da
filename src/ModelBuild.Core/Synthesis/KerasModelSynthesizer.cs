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
    /// <summary>Writes <paramref name="arch"/> with a 224×224×3 input and 1000 classes to <paramref name="h5Path"/>.</summary>
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
        options.Validate();
        var model = arch switch
        {
            SynthArchitecture.ResNet50 => ResNetV1.Build("resnet50", [3, 4, 6, 3], options.InputSize, options.Classes),
            SynthArchitecture.ResNet101 => ResNetV1.Build("resnet101", [3, 4, 23, 3], options.InputSize, options.Classes),
            SynthArchitecture.ResNet152 => ResNetV1.Build("resnet152", [3, 8, 36, 3], options.InputSize, options.Classes),
            SynthArchitecture.MobileNetV2 => MobileNetV2.Build(options.InputSize, options.Classes),
            SynthArchitecture.EfficientNetB0 => EfficientNet.BuildB0(options.InputSize, options.Classes),
            SynthArchitecture.MobileNetV3Small => MobileNetV3.Build(large: false, options.InputSize, options.Classes, options.Format),
            SynthArchitecture.MobileNetV3Large => MobileNetV3.Build(large: true, options.InputSize, options.Classes, options.Format),
            SynthArchitecture.EfficientNetV2B0 => EfficientNetV2.BuildB0(options.InputSize, options.Classes),
            _ => throw new ArgumentOutOfRangeException(nameof(arch), arch, "unknown architecture"),
        };
        model.Initialize(seed);

        Action<float[]> preprocess = arch switch
        {
            SynthArchitecture.MobileNetV2 => CalibrationImages.Tf,
            SynthArchitecture.EfficientNetB0 or SynthArchitecture.EfficientNetV2B0 or SynthArchitecture.MobileNetV3Small or SynthArchitecture.MobileNetV3Large => CalibrationImages.Raw,
            _ => CalibrationImages.Caffe,
        };
        var images = CalibrationImages.Make(options.CalibrationImages, options.CalibrationSize ?? options.InputSize, seed, preprocess);
        model.Run(images, measure: true);
        var missed = model.Layers.OfType<BatchNormalizationLayer>().FirstOrDefault(b => !b.Measured);
        if (missed is not null) throw new InvalidOperationException($"batch norm '{missed.Name}' was not reached by the statistics pass.");
        return model;
    }
}

namespace ModelBuild.Core.Synthesis;

/// <summary>Size settings of a synthesized model. The defaults are keras.applications' (224×224×3, 1000 classes).</summary>
public sealed record SynthOptions
{
    /// <summary>Height and width of the square RGB input; at least 32, as keras.applications requires.</summary>
    public int InputSize { get; init; } = 224;

    /// <summary>Number of classes of the softmax classifier.</summary>
    public int Classes { get; init; } = 1000;

    /// <summary>
    /// Height and width of the images of the forward pass that measures the batch-norm statistics. Weights do not
    /// depend on the resolution, so a smaller pass is much faster; null means the model's own input size.
    /// </summary>
    public int? CalibrationSize { get; init; } = 128;

    /// <summary>
    /// The file written: Keras 2 <c>.h5</c> or Keras 3 <c>.keras</c>. One seed gives the same weights in both; where
    /// Keras 2 and 3 build an application differently (MobileNetV3's hard-swish), each file has its own Keras' layers.
    /// </summary>
    public SynthFileFormat Format { get; init; } = SynthFileFormat.KerasH5;

    /// <summary>Number of random images in that forward pass.</summary>
    public int CalibrationImages { get; init; } = 2;

    internal void Validate()
    {
        if (InputSize < 32) throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "keras.applications models need an input of at least 32×32.");
        if (Classes < 1) throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "a classifier needs at least one class.");
        if (CalibrationSize is < 32) throw new ArgumentOutOfRangeException(nameof(CalibrationSize), CalibrationSize, "the statistics pass needs images of at least 32×32.");
        if (CalibrationImages < 1) throw new ArgumentOutOfRangeException(nameof(CalibrationImages), CalibrationImages, "the statistics pass needs at least one image.");
    }
}

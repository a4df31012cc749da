namespace ModelBuild.Core.Synthesis;

/// <summary>Size settings of a synthesized model. The defaults are keras.applications' (its input size for the family, 1000 classes).</summary>
public sealed record SynthOptions
{
    /// <summary>keras.applications' smallest input for most families (Xception: 71, InceptionV3: 75).</summary>
    internal const int KerasMinimumInputSize = 32;

    /// <summary>keras.applications' default input for most families (Xception, InceptionV3: 299).</summary>
    internal const int KerasDefaultInputSize = 224;

    /// <summary>
    /// Height and width of the square RGB input; null means the family's keras.applications default (224; Xception
    /// and InceptionV3 299). At least keras.applications' minimum for the family with random weights (32; Xception
    /// 71, InceptionV3 75); NASNetMobile's fixed 224 applies only to ImageNet weights.
    /// </summary>
    public int? InputSize { get; init; }

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

    /// <summary>Checks the options for a family with these sizes and returns the input size to build.</summary>
    internal int Validate(int defaultInputSize = KerasDefaultInputSize, int minimumInputSize = KerasMinimumInputSize)
    {
        int inputSize = InputSize ?? defaultInputSize;
        if (inputSize < minimumInputSize)
            throw new ArgumentOutOfRangeException(nameof(InputSize), inputSize, $"this keras.applications model needs an input of at least {minimumInputSize}×{minimumInputSize}.");
        if (Classes < 1) throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "a classifier needs at least one class.");
        if (CalibrationSize < minimumInputSize)
            throw new ArgumentOutOfRangeException(nameof(CalibrationSize), CalibrationSize, $"the statistics pass of this model needs images of at least {minimumInputSize}×{minimumInputSize}.");
        if (CalibrationImages < 1) throw new ArgumentOutOfRangeException(nameof(CalibrationImages), CalibrationImages, "the statistics pass needs at least one image.");
        return inputSize;
    }
}

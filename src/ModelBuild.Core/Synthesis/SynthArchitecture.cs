namespace ModelBuild.Core.Synthesis;

/// <summary>The keras.applications networks the synthesizer can write, with their exact layer names and shapes.</summary>
public enum SynthArchitecture
{
    ResNet50,
    ResNet101,
    ResNet152,
    MobileNetV2,
    EfficientNetB0,
    MobileNetV3Small,
    MobileNetV3Large,
    DenseNet121,
    Xception,
    InceptionV3,
    NASNetMobile,
    EfficientNetV2B0,
}

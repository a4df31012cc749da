namespace ModelBuild.Core.Synthesis;

/// <summary>The file a synthesized model is written as.</summary>
public enum SynthFileFormat
{
    /// <summary>Keras 2's full-model HDF5, <c>model.save("x.h5")</c>.</summary>
    KerasH5,

    /// <summary>Keras 3's zip archive, <c>model.save("x.keras")</c>.</summary>
    KerasArchive,
}

using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.TfLite;

/// <summary>The MB errors for a .tflite file given by path that ModelBuild cannot read (the byte-level readers throw InvalidDataException / NotSupportedException; a file gets a code and its name).</summary>
public static class TfLiteFileErrors
{
    /// <summary>The file's flatbuffer, or MB1015 naming the file when it is not one (no identifier, truncated, offsets out of range, no subgraph).</summary>
    public static TfLiteFlatModel ReadFlat(string path)
    {
        TfLiteFlatModel flat;
        try
        {
            flat = TfLiteFlatModel.ReadFile(path);
        }
        catch (InvalidDataException e)
        {
            throw DamagedFile(path, e);
        }

        if (flat.Subgraphs.Count == 0) throw DamagedFile(path, new InvalidDataException("the model has no subgraph"));
        return flat;
    }

    public const string Damaged = "MB1015", Unsupported = "MB1016";

    public static ModelBuildException DamagedFile(string path, Exception e) => new(Damaged, path,
        $"is not a readable TFLite model ({e.Message}); it may be truncated or damaged — copy it again or convert the model again.", e);

    public static ModelBuildException UnsupportedFile(string path, Exception e) => new(Unsupported, path,
        $"uses what ModelBuild cannot take into its graph ({e.Message}); give it a .tflite whose operators and tensor types ModelBuild writes (e.g. one of its own outputs, not an Edge TPU compiled model).", e);
}

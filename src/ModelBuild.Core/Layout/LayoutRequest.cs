using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Layout;

/// <summary>Everything <see cref="LayoutWriter"/> needs to lay out one KerasModel's outputs.</summary>
public sealed record LayoutRequest(
    CutPlan Plan,
    string ModelStoreDirectory,
    string OutputDirectory,
    SourceInfo Source,
    string Quantization,
    CalibrationInfo Calibration)
{
    /// <summary>Folder of Edge TPU outputs (<c>&lt;stem&gt;_edgetpu.tflite</c>, <c>&lt;stem&gt;_edgetpu.log</c>), or null.</summary>
    public string? EdgeTpuDirectory { get; init; }

    /// <summary>Edge TPU result per model file name; models missing here get <see cref="DefaultEdgeTpu"/>.</summary>
    public IReadOnlyDictionary<string, EdgeTpuModelResult> EdgeTpu { get; init; } = new Dictionary<string, EdgeTpuModelResult>();

    public EdgeTpuModelResult DefaultEdgeTpu { get; init; } = new("off");

    /// <summary>ModelBuild's own Edge TPU check per model file name (meta.json <c>edgeTpuCheck</c>); models missing here have none.</summary>
    public IReadOnlyDictionary<string, EdgeTpuCheckEntry> EdgeTpuChecks { get; init; } = new Dictionary<string, EdgeTpuCheckEntry>();

    /// <summary>The accuracy report ConvertInt8 made (meta.json <c>accuracy</c>, with this combo's chain), or null.</summary>
    public Quantization.StoredAccuracy? Accuracy { get; init; }

    public string Generator { get; init; } = "ModelBuild " + typeof(LayoutWriter).Assembly.GetName().Version?.ToString(3);
}

namespace ModelBuild.Core.EdgeTpu;

/// <summary>
/// The Edge TPU results of every model, as the Edge TPU step records them in edgetpu.json: the compiler's per model
/// (<see cref="Default"/> for models it did not compile) and ModelBuild's own check per model.
/// </summary>
public sealed record EdgeTpuResults(
    EdgeTpuModelResult Default, IReadOnlyDictionary<string, EdgeTpuModelResult> Models, IReadOnlyDictionary<string, EdgeTpuCheckEntry>? Checks = null);

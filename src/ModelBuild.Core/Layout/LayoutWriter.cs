using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Files;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Layout;

/// <summary>
/// Lays out one model's outputs: <c>full_split/</c> and <c>pairs_k2..K/</c>, each with <c>tflite/</c>, <c>tpu/</c>,
/// <c>meta.json</c> and <c>note.txt</c>. Each distinct model exists once in the model store and is hard-linked
/// (or copied) into place. The whole layout is staged and swapped in at the end, so a failure never leaves a
/// partial layout. Same inputs give byte-identical files.
/// </summary>
public static class LayoutWriter
{
    /// <returns>Every file written, relative to <see cref="LayoutRequest.OutputDirectory"/>, sorted.</returns>
    public static IReadOnlyList<string> Write(LayoutRequest request, CancellationToken cancel = default)
    {
        var store = ModelStore.ReadManifest(request.ModelStoreDirectory).ToDictionary(m => m.File);
        var combos = ComboPlan.Build(request.Plan);
        using var staging = StagingDirectory.For(request.OutputDirectory);
        var written = new List<string>();
        foreach (var combo in combos)
        {
            cancel.ThrowIfCancellationRequested();
            var folder = Path.Combine(staging.Path, combo.Folder);
            Directory.CreateDirectory(Path.Combine(folder, "tpu"));
            var entries = new List<ComboModelEntry>();
            foreach (var (model, order) in combo.Models.Select((m, i) => (m, i + 1)))
            {
                var info = store[model.FileName];
                var rel = $"tflite/{model.FileName}";
                AtomicFiles.LinkOrCopy(Path.Combine(request.ModelStoreDirectory, model.FileName), Path.Combine(folder, rel));
                written.Add($"{combo.Folder}/{rel}");
                var tpu = request.EdgeTpu.TryGetValue(model.FileName, out var r) ? r : request.DefaultEdgeTpu;
                tpu = PlaceEdgeTpuFiles(request, model.FileName, folder, combo.Folder, tpu, written);
                var check = request.EdgeTpuChecks.GetValueOrDefault(model.FileName);
                entries.Add(new ComboModelEntry(order, rel, info.Role, [info.FirstSegment, info.LastSegment], info.Bytes, info.MiB, info.Sha256, info.Inputs, info.Outputs, tpu, check));
            }

            var meta = new ComboMeta(ComboMeta.CurrentSchemaVersion, request.Generator, request.Source, request.Plan.Model, request.Plan.BudgetMiB,
                request.Quantization, request.Calibration, combo.Folder, combo.K, request.Plan.K, request.Plan.Cuts, entries, ComboAccuracy(request, combo.Folder));
            AtomicFiles.WriteAllText(Path.Combine(folder, ComboMeta.FileName), meta.ToJson());
            AtomicFiles.WriteAllText(Path.Combine(folder, NoteText.FileName), NoteText.Render(meta));
            written.Add($"{combo.Folder}/{ComboMeta.FileName}");
            written.Add($"{combo.Folder}/{NoteText.FileName}");
        }

        staging.Commit();

        written.Sort(StringComparer.Ordinal);
        return written;
    }

    private static Quantization.AccuracyReport? ComboAccuracy(LayoutRequest request, string folder) =>
        request.Accuracy is not { } a ? null
        : a.Chains.TryGetValue(folder, out var chain) ? a.Report with { Chain = chain.Figures, ChainMatchesModel = chain.MatchesModel } : a.Report;

    private static EdgeTpuModelResult PlaceEdgeTpuFiles(LayoutRequest request, string modelFile, string folder, string comboFolder, EdgeTpuModelResult result, List<string> written)
    {
        if (request.EdgeTpuDirectory is null || result.CompiledFile is null) return result;
        var compiled = Path.Combine(request.EdgeTpuDirectory, result.CompiledFile);
        if (!File.Exists(compiled)) return result;
        AtomicFiles.LinkOrCopy(compiled, Path.Combine(folder, "tpu", result.CompiledFile));
        written.Add($"{comboFolder}/tpu/{result.CompiledFile}");
        if (result.LogFile is not null && File.Exists(Path.Combine(request.EdgeTpuDirectory, result.LogFile)))
        {
            AtomicFiles.LinkOrCopy(Path.Combine(request.EdgeTpuDirectory, result.LogFile), Path.Combine(folder, "tpu", result.LogFile));
            written.Add($"{comboFolder}/tpu/{result.LogFile}");
        }

        return result with { CompiledFile = $"tpu/{result.CompiledFile}", LogFile = result.LogFile is null ? null : $"tpu/{result.LogFile}" };
    }
}

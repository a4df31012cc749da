using System.Text.Json;
using Google.FlatBuffers;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Files;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Slicing;

/// <summary>
/// Writes every distinct model a plan needs (segments 1..K and tails k..K) exactly once, as slices of one int8
/// graph, plus <c>models.json</c> describing them. Quantize once, slice many times: consecutive slices share the
/// cut tensor's parameters, so chains are bit-identical to the whole model.
/// </summary>
public static class ModelStore
{
    public const string ManifestFile = "models.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>
    /// Slices and writes the models. A model computing the same segment range as one already written (the tail of
    /// <c>pairs_kK</c> is segment K) is linked to it rather than serialized again. Files whose bytes did not change
    /// are left untouched (timestamps too), and models of an earlier plan that this plan no longer has are removed.
    /// Every segment's real file size is checked against the budget (warning MB2005).
    /// </summary>
    public static IReadOnlyList<ModelFileInfo> Write(ModelGraph int8Graph, CutPlan plan, string directory, IBuildLog? log = null, string? sourceFile = null, CancellationToken cancel = default)
    {
        var models = ComboPlan.DistinctModels(ComboPlan.Build(plan));
        var infos = new ModelFileInfo?[models.Count];
        var byRange = new Dictionary<(int, int), int>();
        Directory.CreateDirectory(directory);
        int done = 0;
        var name = sourceFile is null ? plan.Model : Path.GetFileName(sourceFile);
        // Two buffers, each as large as the largest model, taking turns: while one model's file is written and hashed on
        // another core, the next is serialized into the other buffer.
        var builders = new FlatBufferBuilder?[2];
        var writing = new (Task<string> Sha, int Model)?[2];

        void Finish(int turn)
        {
            if (writing[turn] is not var (sha, i)) return;
            writing[turn] = null;
            infos[i] = infos[i]! with { Sha256 = sha.GetAwaiter().GetResult() };
            log?.Progress($"{name}: wrote {models[i].FileName} ({infos[i]!.Bytes / 1048576.0:F2} MiB), {++done}/{models.Count} models");
        }

        void FinishAll()
        {
            foreach (var turn in new[] { 0, 1 }.OrderBy(t => writing[t]?.Model ?? -1)) Finish(turn);
        }

        try
        {
            for (int i = 0; i < models.Count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                var m = models[i];
                var path = Path.Combine(directory, m.FileName);
                if (byRange.TryGetValue((m.FirstSegment, m.LastSegment), out var sameIndex))
                {
                    FinishAll();
                    var same = infos[sameIndex]!;
                    if (!AtomicFiles.SameContent(path, Path.Combine(directory, same.File)))
                        AtomicFiles.LinkOrCopy(Path.Combine(directory, same.File), path);
                    infos[i] = same with { File = m.FileName, FirstSegment = m.FirstSegment, LastSegment = m.LastSegment };
                    log?.Progress($"{name}: wrote {m.FileName} ({same.Bytes / 1048576.0:F2} MiB), {++done}/{models.Count} models");
                    continue;
                }

                int turn = i % 2;
                Finish(turn);
                var slice = GraphSlicer.Slice(int8Graph, m.FromTensor, m.ToTensor, shareConstants: true); // only written
                slice.Name = Path.GetFileNameWithoutExtension(m.FileName);
                var bytes = TfLiteWriter.Write(slice, ref builders[turn]);
                infos[i] = new ModelFileInfo(m.FileName, m.FirstSegment, m.LastSegment, bytes.Count, "",
                    slice.Inputs.Select(TensorInfo.Of).ToList(), slice.Outputs.Select(TensorInfo.Of).ToList());
                byRange[(m.FirstSegment, m.LastSegment)] = i;
                writing[turn] = (Task.Run(() =>
                {
                    AtomicFiles.WriteBytesIfChanged(path, bytes);
                    return AtomicFiles.Sha256(bytes);
                }), i);
            }
        }
        finally
        {
            // Nothing is left writing when this returns, even on an error or a cancellation (the first error is thrown).
            foreach (var w in writing) if (w is var (sha, _)) ((IAsyncResult)sha).AsyncWaitHandle.WaitOne();
        }

        FinishAll();
        var written = infos.Select(i => i!).ToList();

        foreach (var seg in written.Where(i => i.Role == "segment" && i.Bytes > plan.BudgetBytes))
        {
            var message = $"{seg.File} is {seg.MiB:F2} MiB ({seg.Bytes} bytes) as written, over the {plan.BudgetMiB} MiB budget " +
                          "(parameters plus file overhead); lower BudgetMiB slightly to leave room.";
            log?.Warning("MB2005", sourceFile, message);
        }

        RemoveStaleModels(directory, written);
        AtomicFiles.WriteIfChanged(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(written, Json) + "\n");
        return written;
    }

    public static IReadOnlyList<ModelFileInfo> ReadManifest(string directory)
    {
        var path = Path.Combine(directory, ManifestFile);
        if (!File.Exists(path))
            throw new ModelBuildException("MB5050", path, "the model store has no models.json; the ConvertInt8 step did not finish — build again.");
        return JsonSerializer.Deserialize<List<ModelFileInfo>>(File.ReadAllText(path), Json)
               ?? throw new ModelBuildException("MB5050", path, "models.json is empty; build again.");
    }

    /// <summary>Segments and tails of an earlier plan (another budget) must not be mistaken for current ones.</summary>
    private static void RemoveStaleModels(string directory, List<ModelFileInfo> current)
    {
        var keep = current.Select(i => i.File).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*_int8.tflite"))
        {
            var name = Path.GetFileName(file);
            if (!keep.Contains(name) && (name.StartsWith("seg", StringComparison.Ordinal) || name.StartsWith("tail_seg", StringComparison.Ordinal)))
                File.Delete(file);
        }
    }
}

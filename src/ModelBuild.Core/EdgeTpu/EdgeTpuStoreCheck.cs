using System.Diagnostics;
using System.Globalization;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>
/// ModelBuild's own Edge TPU check over a model store: <see cref="EdgeTpuStaticCheck"/> on every distinct model
/// (segments and tails), one progress line with the time it took, and warnings naming the KerasModel and the model file.
/// Models with the same bytes (pairs_kK's tail is segment K) are read and checked once.
/// Warnings concern segments: MB4020 for a segment with operations the Edge TPU would not run (naming the tails that
/// hold the same operations), MB4021 for a segment whose parameters exceed the on-chip cache. A tail holds the rest of
/// the model by design, so its figures go to meta.json and note.txt without a warning: its operations are all in some
/// segment (and warned about there), and its size is not what BudgetMiB controls.
/// </summary>
public static class EdgeTpuStoreCheck
{
    /// <returns>meta.json's <c>edgeTpuCheck</c> entry per model file name.</returns>
    public static IReadOnlyDictionary<string, EdgeTpuCheckEntry> Run(
        string storeDirectory, IReadOnlyList<ModelFileInfo> models, string? sourceFile, IBuildLog log, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var distinct = models.GroupBy(m => m.Sha256, StringComparer.Ordinal).Select(g => g.First().File).ToList();
        var checks = new EdgeTpuStaticCheckResult?[distinct.Count];
        var unreadable = new string?[distinct.Count];
        Parallel.For(0, distinct.Count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            try
            {
                checks[i] = EdgeTpuStaticCheck.Check(TfLiteFlatModel.ReadFile(Path.Combine(storeDirectory, distinct[i])), distinct[i]);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                unreadable[i] = e.Message;
            }
        });
        clock.Stop();

        // A model ModelBuild cannot read back is not the check's to fail the build over: the compiler (if any) says
        // what it makes of it, and the warning says that the store looks damaged.
        for (int i = 0; i < distinct.Count; i++)
            if (unreadable[i] is { } why)
                log.Warning(EdgeTpuCodes.StaticCheckUnreadable, sourceFile ?? distinct[i],
                    $"{distinct[i]}: ModelBuild's own Edge TPU check could not read this model ({why}); meta.json has no edgeTpuCheck for it. " +
                    "The model store in obj may be damaged: build again (dotnet build --no-incremental rewrites it).");
        var bySha = models.GroupBy(m => m.Sha256, StringComparer.Ordinal).Select((g, i) => (g.Key, Check: checks[i]))
            .Where(x => x.Check is not null).ToDictionary(x => x.Key, x => x.Check!, StringComparer.Ordinal);
        var results = models.Where(m => bySha.ContainsKey(m.Sha256)).Select(m => (Model: m, Check: bySha[m.Sha256] with { Model = m.File })).ToList();

        foreach (var (model, check) in results.Where(r => r.Model.Role == "segment"))
        {
            var tails = results.Where(r => r.Model.Role == "tail" && r.Model.FirstSegment <= model.FirstSegment && r.Model.LastSegment >= model.LastSegment)
                .Select(r => r.Model.File).ToList();
            EdgeTpuStaticCheck.Report(check, log, sourceFile, tails);
        }

        log.Progress(Summary(sourceFile, results, clock.Elapsed));
        return results.ToDictionary(r => r.Model.File, r => r.Check.ToMetaEntry(), StringComparer.Ordinal);
    }

    private static string Summary(string? sourceFile, List<(ModelFileInfo Model, EdgeTpuStaticCheckResult Check)> results, TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        var head = string.Create(c, $"{(sourceFile is null ? "" : Path.GetFileName(sourceFile) + ": ")}Edge TPU check of {results.Count} models in {elapsed.TotalMilliseconds:F0} ms: ");
        if (results.Count == 0) return head + "no model could be read";
        var segments = results.Where(r => r.Model.Role == "segment").Select(r => r.Check).ToList();
        if (segments.Count == 0) segments = [.. results.Select(r => r.Check)];
        var tails = results.Where(r => r.Model.Role == "tail").Select(r => r.Check).ToList();
        int partly = results.Count(r => r.Check.OperationsOnCpu > 0);
        int segmentsOver = segments.Count(r => r.OnChipFit == EdgeTpuCheckEntry.Exceeds);
        int tailsOver = tails.Count(r => r.OnChipFit == EdgeTpuCheckEntry.Exceeds);
        var capacity = EdgeTpuStaticCheck.OnChipCapacityBytes / (1024 * 1024);
        var ops = partly == 0 ? "every operation maps to the Edge TPU" : string.Create(c, $"{partly} of {results.Count} models would run partly on the CPU");
        var fit = segmentsOver == 0
            ? string.Create(c, $"every segment fits its {capacity} MiB on-chip cache (largest {segments.Max(r => r.ParameterMiB):F2} MiB of parameters)")
            : string.Create(c, $"{segmentsOver} of {segments.Count} segments exceed its {capacity} MiB on-chip cache");
        var tailFit = tailsOver == 0 ? "" : string.Create(c, $"; {tailsOver} of {tails.Count} tails exceed it (they stream parameters or run on the CPU)");
        return head + ops + "; " + fit + tailFit;
    }
}

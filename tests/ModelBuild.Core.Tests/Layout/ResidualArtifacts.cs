using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Tests.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Layout;

/// <summary>
/// The small residual graph (stem, block1_out, block2_out, dense head) calibrated and quantized in-process, and a
/// budget of 800 bytes that cuts it at every candidate: K = 4. Its sizes with per-channel parameters are 344 (stem),
/// 704 (each block conv) and 120 (dense) bytes.
/// </summary>
internal static class ResidualArtifacts
{
    public const double TinyBudgetMiB = 800.0 / (1024 * 1024);

    /// <summary>The graph quantized once (seed 1) for every test class that only reads it.</summary>
    public static readonly Lazy<(ModelGraph Float, ModelGraph Int8)> Model = new(() => Quantized());

    /// <summary>The plan of <see cref="Model"/> at <see cref="TinyBudgetMiB"/>: cut at stem, block1_out and block2_out (K = 4).</summary>
    public static CutPlan TinyPlan() => BudgetPlanner.Plan(Model.Value.Float, TinyBudgetMiB);

    public static (ModelGraph Float, ModelGraph Int8) Quantized(int seed = 1)
    {
        var graph = ResidualTestGraphs.ResidualBlock(seed);
        var random = new Random(seed);
        var samples = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 8 * 8 * 3).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var ranges = Calibrator.Calibrate(graph, samples, new RecordingBuildLog());
        return (graph, Quantizer.Quantize(graph, ranges));
    }

    public static LayoutRequest Request(CutPlan plan, string store, string output, string sha = "00") =>
        new(plan, store, output, new SourceInfo("residual.h5", sha), "per-channel", new CalibrationInfo("8 random samples", 8, "none"));

    /// <summary>Store and layout under <paramref name="root"/>; returns the layout folder.</summary>
    public static string WriteLayout(ModelGraph int8, CutPlan plan, string root, IBuildLog? log = null)
    {
        var store = Path.Combine(root, "models");
        ModelStore.Write(int8, plan, store, log);
        var output = Path.Combine(root, "residual");
        LayoutWriter.Write(Request(plan, store, output));
        return output;
    }

    public static string[] RelativeFiles(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();

    public static sbyte[] RandomInput(int seed, int length)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
    }

    public static void DeleteScratch(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

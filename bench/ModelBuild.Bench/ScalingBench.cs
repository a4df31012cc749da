using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelBuild.Bench;

/// <summary>
/// Measurement 5 (`scaling`): the four build steps (ModelBuild.Core, no MSBuild; one process per run) on synthesized
/// ResNet50/101/152 at 8 calibration images, and on ResNet101 at 8/16/32/64 images.
/// </summary>
internal static partial class ScalingBench
{
    public static int Run(BenchArguments a)
    {
        var models = a.List("models", "ResNet50", "ResNet101", "ResNet152");
        var counts = a.List("samples", "8", "16", "32", "64").Select(int.Parse).ToList();
        int runs = a.Int("runs", 3);
        BenchEnvironment.PrintHeader($"scaling: build steps through ModelBuild.Core (bench `pipeline`, one process per run), median of {runs}");
        var images = CalibrationImageSet.Make(Path.Combine(SampleBuild.BenchDirectory, $"calibration-{counts.Max()}"), counts.Max());
        Console.WriteLine($"calibration images: {images} ({CalibrationImageSet.Describe(counts.Max())}), Preprocessing=caffe, BudgetMiB=7");

        Console.WriteLine($"\nvs model, {counts.Min()} images:");
        Header();
        foreach (var model in models)
            Row(model, BenchModelFiles.Ensure(model), images, counts.Min(), runs);

        Console.WriteLine($"\nvs calibration samples, ResNet101:");
        Header();
        foreach (var n in counts)
            Row("ResNet101", BenchModelFiles.Ensure("ResNet101"), images, n, runs);

        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}");
        return 0;
    }

    private static readonly string[] Steps = ["CutModel", "ConvertInt8", "CompileEdgeTpu", "EmitCombos"];

    private static void Header() =>
        Console.WriteLine($"  {"model",-10} {"images",6} {"wall s",7} {"Cut",6} {"Convert",8} {"EdgeTpu",8} {"Emit",6} {"calib s",8} {"ms/img",7} {"peak MiB",9}  load");

    private static void Row(string model, string h5, string images, int samples, int runs)
    {
        var results = new List<(ChildResult Child, Dictionary<string, double> Steps, double Calibration)>();
        for (int r = 0; r < runs; r++)
        {
            var outDir = Path.Combine(SampleBuild.BenchDirectory, "pipeline", $"{model}-{samples}");
            var child = ChildProcess.RunSelf(["pipeline", h5, outDir, "--calibration", images, "--samples", samples.ToString(CultureInfo.InvariantCulture)]);
            if (child.ExitCode != 0)
            {
                Console.WriteLine($"  {model} {samples}: failed\n{child.Output}");
                return;
            }

            var steps = PipelineLine().Matches(child.Output).ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            var calibration = CalibratedLine().Match(child.Output) is { Success: true } c ? double.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
            results.Add((child, steps, calibration));
        }

        double Med(Func<(ChildResult Child, Dictionary<string, double> Steps, double Calibration), double> f) => Stats.Median(results.Select(f).ToList());
        double calib = Med(r => r.Calibration);
        Console.WriteLine($"  {model,-10} {samples,6} {Med(r => r.Child.WallSeconds),7:F1} " +
                          string.Join(' ', Steps.Select((s, i) => Med(r => r.Steps.GetValueOrDefault(s)).ToString(i is 1 or 2 ? "F2" : "F2", CultureInfo.InvariantCulture).PadLeft(i is 1 or 2 ? 8 : 6))) +
                          $" {calib,8:F2} {1000 * calib / samples,7:F0} {results.Max(r => r.Child.PeakRssBytes) / 1048576.0,9:F0}  {BenchEnvironment.LoadAverage}");
    }

    [GeneratedRegex(@"(CutModel|ConvertInt8|CompileEdgeTpu|EmitCombos)=([\d.]+)")]
    private static partial Regex PipelineLine();

    [GeneratedRegex(@"calibrated \d+ tensors over \d+ samples in ([\d.]+) s")]
    private static partial Regex CalibratedLine();
}

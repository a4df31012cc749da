using System.Diagnostics;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Bench;

/// <summary>
/// `pipeline <model.h5> <out-dir> [--calibration folder] [--samples N] [--images N] [--preprocessing caffe] [--augment Auto|Off]`: the four build steps
/// through ModelBuild.Core without MSBuild (what the tasks call), each timed, with every progress message stamped with
/// the time since the start. One process per run, so each pays its own start-up and JIT as a build's tasks do.
/// </summary>
internal static class PipelineCommand
{
    public static int Run(BenchArguments a)
    {
        var h5 = Path.GetFullPath(a.Positional[0]);
        var outRoot = Path.GetFullPath(a.Positional[1]);
        var name = Path.GetFileNameWithoutExtension(h5);
        var work = Path.Combine(outRoot, "obj", name);
        if (Directory.Exists(outRoot)) Directory.Delete(outRoot, recursive: true);
        Directory.CreateDirectory(work);
        // --images N: first fill the --calibration folder with N images derived from ../shared/images (as `build` does).
        if (a.Option("images") is { } images && a.Option("calibration") is { } imageFolder) CalibrationImageSet.Make(Path.GetFullPath(imageFolder), int.Parse(images));
        var settings = new ModelBuildSettings
        {
            ModelFile = h5,
            BudgetMiB = double.Parse(a.Option("budget") ?? "7", System.Globalization.CultureInfo.InvariantCulture),
            CalibrationData = a.Option("calibration"),
            CalibrationSamples = a.Int("samples", 8),
            Preprocessing = PreprocessingModes.Parse(a.Option("preprocessing") ?? "caffe"),
            CalibrationAugment = CalibrationAugmentation.Parse(a.Option("augment")),
        };
        var clock = Stopwatch.StartNew();
        var log = new StampedLog(clock);
        var folder = new WorkFolder(work);
        var times = new List<(string Step, double Seconds, double Cpu)>();
        void Step(string step, Action action)
        {
            var t0 = clock.Elapsed.TotalSeconds;
            var c0 = Environment.CpuUsage.TotalTime.TotalSeconds;
            action();
            times.Add((step, clock.Elapsed.TotalSeconds - t0, Environment.CpuUsage.TotalTime.TotalSeconds - c0));
        }

        Step("CutModel", () => CutStep.Run(settings, folder, log));
        Step("ConvertInt8", () => ConvertStep.Run(settings, folder, log));
        Step("CompileEdgeTpu", () => EdgeTpuStep.Run(h5, folder, EdgeTpuMode.Auto, new EdgeTpuCompilerLocator(), ModelBuildDefaults.EdgeTpuTimeout, log));
        Step("EmitCombos", () => LayoutStep.Run(settings, folder, Path.Combine(outRoot, name), log));
        Console.WriteLine("PIPELINE " + string.Join(' ', times.Select(t => $"{t.Step}={t.Seconds:F3}(cpu {t.Cpu:F3})")) + $" total={clock.Elapsed.TotalSeconds:F3}"
                          + $" cpu={Environment.CpuUsage.TotalTime.TotalSeconds:F3} jit={System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F3} methods={System.Runtime.JitInfo.GetCompiledMethodCount()}"
                          + $" gc={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} gc-pause={GC.GetTotalPauseDuration().TotalSeconds:F3} allocated={GC.GetTotalAllocatedBytes() / 1048576} MiB");
        return 0;
    }

    private sealed class StampedLog(Stopwatch clock) : IBuildLog
    {
        public void Warning(string code, string? file, string message) => Console.WriteLine($"{Stamp()} warning {code}: {message}");

        public void Progress(string message) => Console.WriteLine($"{Stamp()} {message}");

        /// <summary>Time since the start, the process's CPU time and time in the JIT so far, its resident memory, the managed heap's size and the memory the GC had committed at its last collection.</summary>
        private string Stamp() =>
            $"[{clock.Elapsed.TotalSeconds,6:F2} s, CPU {Environment.CpuUsage.TotalTime.TotalSeconds,6:F2} s, JIT {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds,5:F2} s, " +
            $"RSS {Environment.WorkingSet / 1048576,5} MiB, heap {GC.GetTotalMemory(false) / 1048576,5} MiB, committed {GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes / 1048576,5} MiB]";
    }
}

using System.Text;
using Microsoft.Build.Framework;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Files;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Tasks;

/// <summary>
/// Writes one model's settings stamps, each only when its content changes, so each step reruns exactly when
/// what it depends on changes: cut.stamp (budget, cuts), convert.stamp (quantization, calibration data and its
/// files' sizes and times), tpu.stamp (Edge TPU mode and, unless Off, the compiler found). Runs first: it also checks the
/// metadata, so a mistake fails the build before any step does work.
/// </summary>
public sealed class WriteModelBuildStamps : ModelStepTask
{
    public string? BudgetMiB { get; set; }
    public string? Quantization { get; set; }
    public string? Cuts { get; set; }
    public string? CutCandidates { get; set; }
    public string? CalibrationData { get; set; }
    public string? CalibrationSamples { get; set; }
    public string? Preprocessing { get; set; }
    public string? CalibrationAugment { get; set; }
    public string? MinSqnrDb { get; set; }
    public string? RangeEstimator { get; set; }
    public string? EdgeTpu { get; set; }
    public string? CompilerPath { get; set; }

    /// <summary>The project that declares the KerasModel item (named by metadata errors).</summary>
    public string? ProjectFile { get; set; }

    protected override void Run()
    {
        CheckSettings();
        Directory.CreateDirectory(WorkDirectory);
        // The engine's identity: the task assembly's and Core's, so a rebuilt Core under the same version counts too.
        var version = Core.Cache.EngineIdentity.Of(typeof(WriteModelBuildStamps).Assembly);
        Write(WorkFolder.CutStampFileName, $"engine={version}\nbudget={BudgetMiB}\nquantization={Quantization}\ncuts={Cuts}\ncandidates={CutCandidates}\n");
        var convert = new StringBuilder($"engine={version}\nquantization={Quantization}\ncalibration={CalibrationData}\nsamples={CalibrationSamples}\npreprocessing={Preprocessing}\naugment={CalibrationAugment}\nminSqnr={MinSqnrDb}\nranges={RangeEstimator}\n");
        if (!string.IsNullOrWhiteSpace(CalibrationData))
        {
            try
            {
                foreach (var f in CalibrationDataLoader.ResolveFiles(CalibrationData))
                    convert.Append(f).Append('|').Append(new FileInfo(f).Length).Append('|').Append(File.GetLastWriteTimeUtc(f).Ticks).Append('\n');
            }
            catch (Core.Diagnostics.ModelBuildException)
            {
                convert.Append("unresolved\n"); // ConvertInt8 reports the error itself.
            }
        }

        Write(WorkFolder.ConvertStampFileName, convert.ToString());
        // With EdgeTpu="Off" no compiler is used, so one appearing, moving or changing reruns nothing.
        var compiler = EdgeTpuModes.Parse(EdgeTpu) == EdgeTpuMode.Off ? null : EdgeTpuCompilerLocator.Find(string.IsNullOrWhiteSpace(CompilerPath) ? null : CompilerPath);
        Write(WorkFolder.EdgeTpuStampFileName, $"engine={version}\nmode={EdgeTpu}\ncompiler={compiler}\ncompilerTime={(compiler is null ? 0 : File.GetLastWriteTimeUtc(compiler).Ticks)}\n");
    }

    /// <summary>
    /// Checks every metadata value, and that CalibrationData names calibration files, before any step runs: a mistake
    /// fails the build at once, naming the project file (where the value is set) and the KerasModel item.
    /// </summary>
    private void CheckSettings()
    {
        var item = $"KerasModel '{Path.GetFileName(ModelFile)}'";
        var project = string.IsNullOrWhiteSpace(ProjectFile) ? ModelFile : ProjectFile;
        try
        {
            ModelItemSettings.Parse(ModelFile, BudgetMiB, Quantization, Cuts, CutCandidates, CalibrationData, CalibrationSamples, Preprocessing, CalibrationAugment, MinSqnrDb, RangeEstimator);
            EdgeTpuModes.Parse(EdgeTpu, ModelFile);
        }
        catch (Core.Diagnostics.ModelBuildException e)
        {
            throw new Core.Diagnostics.ModelBuildException(e.Code, project, $"{item}: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(CalibrationData)) return;
        try
        {
            CalibrationDataLoader.ResolveFiles(CalibrationData);
        }
        catch (Core.Diagnostics.ModelBuildException e)
        {
            throw new Core.Diagnostics.ModelBuildException(e.Code, project,
                $"{item}: CalibrationData '{CalibrationData}' (looked for {Path.GetFullPath(CalibrationData)}) {e.Message}", e);
        }
    }

    private void Write(string name, string content) => AtomicFiles.WriteIfChanged(Path.Combine(WorkDirectory, name), content);
}

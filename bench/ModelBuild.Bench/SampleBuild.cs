using ModelBuild.TestSupport;

namespace ModelBuild.Bench;

/// <summary>
/// The ResNet101 sample as the build measurements use it: its project, where its ModelBuild work and outputs land,
/// and the extra MSBuild arguments that give its KerasModel item calibration images (a CustomAfterModelBuildSdkTargets
/// file with an ItemDefinitionGroup, so the sample's project file stays as shipped).
/// </summary>
internal sealed class SampleBuild(string configuration)
{
    public string Directory { get; } = Path.Combine(RepoPaths.Root, "samples", "ResNet101");

    public string Project => Path.Combine(Directory, "ResNet101.csproj");

    public string ModelFile => Path.Combine(Directory, "resnet101.h5");

    public string Configuration { get; } = configuration;

    public string WorkDirectory => Path.Combine(Directory, "obj", Configuration, "net10.0", "ModelBuild");

    public string OutputLayout => Path.Combine(Directory, "bin", Configuration, "net10.0", "resnet101");

    public static string BenchDirectory => Path.Combine(RepoPaths.Root, "artifacts", "bench");

    /// <summary>MSBuild arguments: configuration, and with <paramref name="samples"/> &gt; 0 calibration from <paramref name="imageFolder"/> (caffe preprocessing, as keras.applications ResNet).</summary>
    public IReadOnlyList<string> Arguments(string? imageFolder, int samples)
    {
        var args = new List<string> { "-c", Configuration };
        if (imageFolder is null || samples <= 0) return args;
        var targets = Path.Combine(BenchDirectory, "calibration.targets");
        System.IO.Directory.CreateDirectory(BenchDirectory);
        // Written only when different: it is an imported project file, so a newer one would make the sample recompile.
        WriteIfChanged(targets, """
            <Project>
              <!-- Written by the ModelBuild bench: calibration images for every KerasModel item, without editing the project. -->
              <ItemDefinitionGroup>
                <KerasModel>
                  <CalibrationData>$(BenchCalibrationData)</CalibrationData>
                  <CalibrationSamples>$(BenchCalibrationSamples)</CalibrationSamples>
                  <Preprocessing>caffe</Preprocessing>
                </KerasModel>
              </ItemDefinitionGroup>
            </Project>
            """);
        args.Add($"-p:CustomAfterModelBuildSdkTargets={targets}");
        args.Add($"-p:BenchCalibrationData={imageFolder}");
        args.Add($"-p:BenchCalibrationSamples={samples}");
        return args;
    }

    private static void WriteIfChanged(string path, string text)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != text) File.WriteAllText(path, text);
    }

    /// <summary>Removes the sample's ModelBuild work folder and laid-out outputs, so the next build does all of the work.</summary>
    public void RemoveModelBuildOutputs()
    {
        foreach (var dir in new[] { WorkDirectory, OutputLayout })
            if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, recursive: true);
    }

    /// <summary>Every combo folder with its meta.json, and how many calibration samples the store says it used.</summary>
    public (bool Complete, int Combos, int CalibrationSamples) CheckOutputs()
    {
        var combos = System.IO.Directory.Exists(OutputLayout)
            ? System.IO.Directory.GetDirectories(OutputLayout).Count(d => File.Exists(Path.Combine(d, ModelBuild.Core.Layout.ComboMeta.FileName)))
            : 0;
        var work = new ModelBuild.Core.Pipeline.WorkFolder(Path.Combine(WorkDirectory, "resnet101"));
        int used = System.IO.Directory.Exists(work.StoreDirectory) ? work.ReadCalibration().Samples : -1;

        return (combos >= 2 && File.Exists(Path.Combine(OutputLayout, ModelBuild.Core.Pipeline.WorkFolder.LayoutMarkerPath)), combos, used);
    }
}

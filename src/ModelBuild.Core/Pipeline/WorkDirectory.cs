namespace ModelBuild.Core.Pipeline;

/// <summary>
/// Where one model's intermediate files live (under obj/): plan.json, models/ (the model store with models.json),
/// tpu/ (Edge TPU outputs and edgetpu.json), layout/&lt;name&gt;/ (full_split and pairs_kN) and the list of layout
/// files that marks a finished EmitCombos step.
/// </summary>
public sealed record WorkDirectory(string Root, string Name)
{
    public string PlanFile => Path.Combine(Root, "plan.json");

    public string ModelsDirectory => Path.Combine(Root, "models");

    public string ModelsManifest => Path.Combine(ModelsDirectory, Artifacts.ModelStore.ManifestFile);

    public string TpuDirectory => Path.Combine(Root, "tpu");

    public string TpuResultsFile => Path.Combine(TpuDirectory, EdgeTpuStep.ResultsFile);

    /// <summary>The model's layout folder: it holds full_split/ and pairs_kN/.</summary>
    public string LayoutDirectory => Path.Combine(Root, "layout", Name);

    /// <summary>Every layout file, one relative path a line; written last by the EmitCombos step.</summary>
    public string LayoutList => Path.Combine(Root, "layout.files");

    public IReadOnlyList<string> ReadLayoutList() =>
        File.Exists(LayoutList) ? File.ReadAllLines(LayoutList).Where(l => l.Length > 0).ToList() : [];
}

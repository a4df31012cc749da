using Microsoft.Build.Framework;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Lays out full_split and pairs_k2..K with meta.json and note.txt.</summary>
public sealed class EmitCombos : ModelBuildTask
{
    [Required] public string ModelFile { get; set; } = "";
    [Required] public string PlanFile { get; set; } = "";
    [Required] public string StoreDirectory { get; set; } = "";
    [Required] public string OutputDirectory { get; set; } = "";
    public string? EdgeTpuDirectory { get; set; }
    public string? Quantization { get; set; }

    protected override void Run() =>
        EmitStep.Run(ModelItemSettings.Parse(ModelFile, quantization: Quantization), PlanFile, StoreDirectory, EdgeTpuDirectory, OutputDirectory, BuildLog, Cancellation);
}

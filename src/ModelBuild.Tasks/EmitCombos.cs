using Microsoft.Build.Framework;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>The Layout stage (<see cref="LayoutStep"/>): lays out full_split and pairs_k2..K with meta.json and note.txt.</summary>
public sealed class EmitCombos : ModelStepTask
{
    [Required] public string OutputDirectory { get; set; } = "";
    public string? Quantization { get; set; }

    /// <summary>Every file laid out under OutputDirectory.</summary>
    [Output] public ITaskItem[] LaidOutFiles { get; private set; } = [];

    protected override void Run()
    {
        var files = LayoutStep.Run(ModelItemSettings.Parse(ModelFile, quantization: Quantization), Work, OutputDirectory, BuildLog, Cancellation);
        LaidOutFiles = files.Select(f => TaskItems.File(Path.IsPathRooted(f) ? f : Path.Combine(OutputDirectory, f))).ToArray();
    }
}

using Microsoft.Build.Framework;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Runs Google's edgetpu_compiler on every produced model when it is available (EdgeTpu=Auto|Required|Off).</summary>
public sealed class CompileEdgeTpu : ModelBuildTask
{
    [Required] public string ModelFile { get; set; } = "";
    [Required] public string StoreDirectory { get; set; } = "";
    [Required] public string EdgeTpuDirectory { get; set; } = "";
    public string? EdgeTpu { get; set; }
    public string? CompilerPath { get; set; }
    public int TimeoutSeconds { get; set; } = 600;

    protected override void Run() =>
        EdgeTpuStep.Run(ModelFile, StoreDirectory, EdgeTpuDirectory, EdgeTpuModes.Parse(EdgeTpu, ModelFile),
            string.IsNullOrWhiteSpace(CompilerPath) ? null : CompilerPath, TimeSpan.FromSeconds(TimeoutSeconds), BuildLog, Cancellation);
}

using Microsoft.Build.Framework;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>
/// ModelBuild's own Edge TPU check of every produced model (always), then Google's edgetpu_compiler on each when it is
/// available (EdgeTpu=Auto|Required|Off). TimeoutSeconds (EdgeTpuTimeoutSeconds) is the compiler's own -t; ModelBuild
/// kills a compiler that outlasts it by a grace period.
/// </summary>
public sealed class CompileEdgeTpu : ModelBuildTask
{
    [Required] public string ModelFile { get; set; } = "";
    [Required] public string WorkDirectory { get; set; } = "";
    public string? EdgeTpu { get; set; }
    public string? CompilerPath { get; set; }
    public int TimeoutSeconds { get; set; } = ModelBuildDefaults.EdgeTpuTimeoutSeconds;

    protected override void Run() =>
        EdgeTpuStep.Run(ModelFile, new WorkFolder(WorkDirectory), EdgeTpuModes.Parse(EdgeTpu, ModelFile),
            new EdgeTpuCompilerLocator { ExplicitPath = string.IsNullOrWhiteSpace(CompilerPath) ? null : CompilerPath }, TimeSpan.FromSeconds(TimeoutSeconds), BuildLog, Cancellation);
}

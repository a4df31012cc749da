using Microsoft.Build.Framework;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>
/// ModelBuild's own Edge TPU check of every produced model (always), then Google's edgetpu_compiler on each when it is
/// available (EdgeTpu=Auto|Required|Off). TimeoutSeconds (EdgeTpuTimeoutSeconds) is the compiler's own -t; ModelBuild
/// kills a compiler that outlasts it by a grace period.
/// </summary>
public sealed class CompileEdgeTpu : CachedModelBuildTask
{
    [Required] public string ModelFile { get; set; } = "";
    [Required] public string StoreDirectory { get; set; } = "";
    [Required] public string EdgeTpuDirectory { get; set; } = "";
    public string? EdgeTpu { get; set; }
    public string? CompilerPath { get; set; }
    public int TimeoutSeconds { get; set; } = 600;

    protected override void Run() =>
        EdgeTpuStep.Run(ModelFile, StoreDirectory, EdgeTpuDirectory, EdgeTpuModes.Parse(EdgeTpu, ModelFile),
            string.IsNullOrWhiteSpace(CompilerPath) ? null : CompilerPath, TimeSpan.FromSeconds(TimeoutSeconds), BuildLog, Cancellation, Cache);
}

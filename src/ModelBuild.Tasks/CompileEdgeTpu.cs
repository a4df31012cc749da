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
    public string? EdgeTpu { get; set; }
    public string? CompilerPath { get; set; }
    public int TimeoutSeconds { get; set; } = ModelBuildDefaults.EdgeTpuTimeoutSeconds;

    /// <summary>The Edge TPU models the compiler wrote, with the int8 Model each comes from.</summary>
    [Output] public ITaskItem[] CompiledModels { get; private set; } = [];

    /// <summary>compiled, skipped (no compiler) or off: what happened to the models as a whole.</summary>
    [Output] public string Status { get; private set; } = "";

    protected override void Run()
    {
        var work = Work;
        var results = EdgeTpuStep.Run(ModelFile, work, EdgeTpuModes.Parse(EdgeTpu, ModelFile),
            new EdgeTpuCompilerLocator { ExplicitPath = string.IsNullOrWhiteSpace(CompilerPath) ? null : CompilerPath }, TimeSpan.FromSeconds(TimeoutSeconds), BuildLog, Cancellation, Cache);
        CompiledModels = results.Models.Where(m => m.Value.CompiledFile is not null).OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => TaskItems.File(Path.Combine(work.EdgeTpuDirectory, m.Value.CompiledFile!), ("Model", m.Key))).ToArray();
        Status = results.Models.Count > 0 ? "compiled" : results.Default.Status;
    }
}

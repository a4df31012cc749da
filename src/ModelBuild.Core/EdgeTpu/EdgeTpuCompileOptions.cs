namespace ModelBuild.Core.EdgeTpu;

/// <summary>How the driver runs the compiler.</summary>
public sealed record EdgeTpuCompileOptions
{
    /// <summary><c>-m</c>: lowest Edge TPU runtime version to target (e.g. 13); null = the compiler's default.</summary>
    public int? MinRuntimeVersion { get; init; }

    /// <summary><c>-t</c>: the compiler's own timeout in seconds; null = its default (180 s).</summary>
    public int? CompilerTimeoutSeconds { get; init; }

    /// <summary>Wall-clock limit per model; past it the process tree is killed and the model fails with MB4005.</summary>
    public TimeSpan ProcessTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Compiler processes at once; null = <see cref="Environment.ProcessorCount"/>.</summary>
    public int? MaxParallelism { get; init; }

    /// <summary>Extra environment variables for the compiler processes (tests drive the stand-in compiler with these).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = new Dictionary<string, string>();
}

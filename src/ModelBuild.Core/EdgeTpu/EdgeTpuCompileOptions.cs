namespace ModelBuild.Core.EdgeTpu;

/// <summary>How the driver runs the compiler.</summary>
public sealed record EdgeTpuCompileOptions
{
    /// <summary>The build's default per-model timeout (EdgeTpuTimeoutSeconds; Pipeline.ModelBuildDefaults passes it on).</summary>
    public const int DefaultTimeoutSeconds = 600;

    /// <summary><c>-m</c>: lowest Edge TPU runtime version to target (e.g. 13); null = the compiler's default.</summary>
    public int? MinRuntimeVersion { get; init; }

    /// <summary><c>-t</c>: the compiler's own timeout in seconds; null = its default (180 s).</summary>
    public int? CompilerTimeoutSeconds { get; init; }

    /// <summary>Wall-clock limit per model; past it the process tree is killed and the model fails with MB4003.</summary>
    public TimeSpan ProcessTimeout { get; init; } = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    /// <summary>The file warnings and errors name (a build's KerasModel .h5); null names the model being compiled.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Compiler processes at once; null = <see cref="Environment.ProcessorCount"/>.</summary>
    public int? MaxParallelism { get; init; }

    /// <summary>
    /// A build's one timeout (EdgeTpuTimeoutSeconds) applied twice: the compiler's own <c>-t</c> gets it, so a compilation
    /// that runs too long is ended by the compiler with its own message; ModelBuild's kill (<see cref="ProcessTimeout"/>)
    /// follows a grace period later (a tenth of the timeout, 5 to 60 s) for a compiler that does not stop by itself.
    /// </summary>
    public static EdgeTpuCompileOptions ForTimeout(TimeSpan timeout, string? sourceFile = null)
    {
        int seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var grace = TimeSpan.FromSeconds(Math.Clamp(seconds / 10.0, 5, 60));
        return new EdgeTpuCompileOptions { CompilerTimeoutSeconds = seconds, ProcessTimeout = TimeSpan.FromSeconds(seconds) + grace, SourceFile = sourceFile };
    }

    /// <summary>Extra environment variables for the compiler processes (tests drive the stand-in compiler with these).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = new Dictionary<string, string>();
}

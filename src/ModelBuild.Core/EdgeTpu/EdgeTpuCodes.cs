namespace ModelBuild.Core.EdgeTpu;

/// <summary>The MB40xx codes of the Edge TPU module (documented in docs/ERRORS.md).</summary>
public static class EdgeTpuCodes
{
    /// <summary>Warning: EdgeTpu=Auto and no compiler found; Edge TPU compilation skipped.</summary>
    public const string CompilerNotFound = "MB4001";

    /// <summary>Error: EdgeTpu=Required and no compiler found (same code as the warning, as docs/ERRORS.md lists).</summary>
    public const string CompilerRequired = "MB4001";

    /// <summary>Error: the compiler failed (non-zero exit); the message is the compiler's own.</summary>
    public const string CompilerFailed = "MB4002";

    /// <summary>Error: the compiler exited 0 but did not write its output model.</summary>
    public const string CompilerWroteNoOutput = "MB4004";

    /// <summary>Error: the compiler ran longer than the timeout and was stopped.</summary>
    public const string CompilerTimedOut = "MB4003";

    /// <summary>Warning: not every operation of a model maps to the Edge TPU.</summary>
    public const string OperationsOnCpu = "MB4010";

    /// <summary>Warning: a compiled model streams parameters from host memory (off-chip).</summary>
    public const string ParametersOffChip = "MB4011";

    /// <summary>Warning: the compiler's report could not be read (figures missing from meta.json).</summary>
    public const string ReportUnreadable = "MB4006";

    /// <summary>Error: EdgeTpu metadata is not Auto, Required or Off.</summary>
    public const string InvalidMode = "MB4005";

    /// <summary>Error: the compiler path given by property or environment variable does not exist.</summary>
    public const string CompilerPathMissing = "MB4007";

    /// <summary>Error: two models to compile share a file name (their outputs would collide).</summary>
    public const string DuplicateModelName = "MB4008";

    /// <summary>Warning (static check): operations that would fall back to the CPU.</summary>
    public const string StaticCheckCpuFallback = "MB4020";

    /// <summary>Warning (static check): estimated parameter memory exceeds the on-chip cache.</summary>
    public const string StaticCheckOffChip = "MB4021";

    /// <summary>Warning (static check): a model of the store could not be read back, so it has no edgeTpuCheck.</summary>
    public const string StaticCheckUnreadable = "MB4022";

    /// <summary>Error (modelbuild edgetpu-check): the file given is not a readable TFLite model.</summary>
    public const string CheckInputUnreadable = "MB4023";
}

namespace ModelBuild.EdgeTpuCompilerStandIn;

/// <summary>Environment variables that make the stand-in compiler misbehave the way the real one can.</summary>
public static class StandInEnvironment
{
    /// <summary>Seconds to "compile" before answering; with <c>-t</c> lower than this the compilation times out.</summary>
    public const string SleepSeconds = "EDGETPU_STANDIN_SLEEP_SECONDS";

    /// <summary>Seconds to hang before doing anything else, whatever <c>-t</c> says: a compiler stuck for good (the caller must kill it).</summary>
    public const string HangSeconds = "EDGETPU_STANDIN_HANG_SECONDS";

    /// <summary>Any value: fail like "Internal compiler error. Aborting!" (the value, unless "1", replaces the message).</summary>
    public const string Fail = "EDGETPU_STANDIN_FAIL";

    /// <summary>Any value: print a success report and exit 0 without writing the output model.</summary>
    public const string NoOutput = "EDGETPU_STANDIN_NO_OUTPUT";

    /// <summary>A file to which each invocation appends one line: its arguments, tab-separated (for "did it run?" tests).</summary>
    public const string ArgsFile = "EDGETPU_STANDIN_ARGS_FILE";

    /// <summary>On-chip parameter cache in bytes (default 8 MiB minus 20 KiB, as the real compiler reports for an empty model).</summary>
    public const string OnChipBytes = "EDGETPU_STANDIN_ONCHIP_BYTES";

    /// <summary>The version the stand-in reports (default 16.0.384591198).</summary>
    public const string Version = "EDGETPU_STANDIN_VERSION";
}

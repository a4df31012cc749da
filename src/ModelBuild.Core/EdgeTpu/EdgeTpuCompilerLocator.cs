namespace ModelBuild.Core.EdgeTpu;

/// <summary>Finds edgetpu_compiler: an explicit path, then $MODELBUILD_EDGETPU_COMPILER, then PATH.</summary>
public static class EdgeTpuCompilerLocator
{
    public const string EnvironmentVariable = "MODELBUILD_EDGETPU_COMPILER";
    public const string ExecutableName = "edgetpu_compiler";

    public const string InstallHint =
        "Install it from Google's Coral apt repository on x86-64 Linux (see coral.ai/docs/edgetpu/compiler: add the "
        + "packages.cloud.google.com/apt coral-edgetpu-stable repository, then apt-get install edgetpu-compiler), or set "
        + "EdgeTpuCompilerPath / " + EnvironmentVariable + " to the executable.";

    /// <returns>The full path of the compiler, or null when none is found.</returns>
    public static string? Find(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return File.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? ExecutableName + ".exe" : ExecutableName);
            if (File.Exists(candidate)) return candidate;
        }

        return null;
    }
}

using System.Diagnostics;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>Where the compiler was found.</summary>
public enum EdgeTpuCompilerSource
{
    Property,
    EnvironmentVariable,
    Path,
}

/// <summary>A compiler executable and the version it reported (null when <c>--version</c> said nothing usable).</summary>
public sealed record EdgeTpuCompiler(string Path, EdgeTpuCompilerSource Source, string? Version);

/// <summary>
/// Finds <c>edgetpu_compiler</c>: the explicit path (MSBuild property <c>EdgeTpuCompilerPath</c>) first, then the
/// <c>MODELBUILD_EDGETPU_COMPILER</c> environment variable, then <c>edgetpu_compiler</c> on PATH. A path given
/// explicitly (property or variable) that does not exist is an error, not a silent fall-through.
/// </summary>
public sealed class EdgeTpuCompilerLocator
{
    public const string EnvironmentVariable = "MODELBUILD_EDGETPU_COMPILER";
    public const string ExecutableName = "edgetpu_compiler";

    /// <summary>How to get the compiler, for messages.</summary>
    public const string InstallHint =
        "Install Google's Edge TPU compiler (x86-64 Linux only) from the Coral apt repository: add \"deb https://packages.cloud.google.com/apt coral-edgetpu-stable main\" to /etc/apt/sources.list.d/coral-edgetpu.list with Google's key (https://packages.cloud.google.com/apt/doc/apt-key.gpg), then `sudo apt-get update && sudo apt-get install edgetpu-compiler` (https://coral.ai/docs/edgetpu/compiler/); or set EdgeTpuCompilerPath / " + EnvironmentVariable + " to the executable.";

    /// <summary>Lenient lookup for stamps and messages: the compiler's full path, or null (also when an explicit path does not exist).</summary>
    public static string? Find(string? explicitPath)
    {
        try
        {
            return new EdgeTpuCompilerLocator { ExplicitPath = explicitPath }.Find()?.Path;
        }
        catch (ModelBuildException)
        {
            return null;
        }
    }

    /// <summary>A file, or a folder holding <c>edgetpu_compiler</c>. Empty or null = not given.</summary>
    public string? ExplicitPath { get; init; }

    /// <summary>Environment lookup (tests substitute their own).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    public TimeSpan VersionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The compiler's location, or null when none is configured and none is on PATH. Does not run it.</summary>
    public (string Path, EdgeTpuCompilerSource Source)? Find()
    {
        if (!string.IsNullOrWhiteSpace(ExplicitPath))
            return (RequireExecutable(ExplicitPath, "the EdgeTpuCompilerPath property"), EdgeTpuCompilerSource.Property);
        if (GetEnvironmentVariable(EnvironmentVariable) is { } env && !string.IsNullOrWhiteSpace(env))
            return (RequireExecutable(env, $"the {EnvironmentVariable} environment variable"), EdgeTpuCompilerSource.EnvironmentVariable);
        var onPath = SearchPath(GetEnvironmentVariable("PATH"));
        return onPath is null ? null : (onPath, EdgeTpuCompilerSource.Path);
    }

    /// <summary><see cref="Find"/> plus the version from <c>edgetpu_compiler --version</c>.</summary>
    public EdgeTpuCompiler? Locate()
    {
        var found = Find();
        return found is { } f ? new EdgeTpuCompiler(f.Path, f.Source, ReadVersion(f.Path, VersionTimeout)) : null;
    }

    /// <summary>Runs <c>--version</c>; "Edge TPU Compiler version 16.0.384591198" gives "16.0.384591198".</summary>
    public static string? ReadVersion(string compilerPath, TimeSpan timeout)
    {
        try
        {
            var psi = new ProcessStartInfo(compilerPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("--version");
            using var p = Process.Start(psi);
            if (p is null) return null;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                return null;
            }

            var text = stdout.Result + "\n" + stderr.Result;
            var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(EdgeTpuCompilerOutputParser.VersionPrefix, StringComparison.Ordinal));
            return line?[EdgeTpuCompilerOutputParser.VersionPrefix.Length..].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string RequireExecutable(string path, string origin)
    {
        var full = System.IO.Path.GetFullPath(path.Trim().Trim('"'));
        if (Directory.Exists(full)) full = System.IO.Path.Combine(full, ExecutableName);
        if (!File.Exists(full))
            throw new ModelBuildException(EdgeTpuCodes.CompilerPathMissing, full,
                $"the Edge TPU compiler given by {origin} does not exist: {full}. Fix the path, or clear it to search PATH for {ExecutableName}.");
        return full;
    }

    private static string? SearchPath(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        foreach (var dir in path.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir.Trim(), ExecutableName);
            if (File.Exists(candidate) && IsExecutable(candidate)) return System.IO.Path.GetFullPath(candidate);
        }

        return null;
    }

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

namespace ModelBuild.EdgeTpuCompilerStandIn;

/// <summary>
/// Puts the stand-in on a PATH as <c>edgetpu_compiler</c>: a two-line shell script that runs this assembly with
/// <c>dotnet</c>. Reference this project from a test project, call <see cref="WriteTo"/> with a scratch folder, and
/// prepend that folder to PATH (or pass the returned file as EdgeTpuCompilerPath / MODELBUILD_EDGETPU_COMPILER).
/// </summary>
public static class EdgeTpuCompilerStandInScript
{
    /// <summary>The stand-in's own assembly (ModelBuild.EdgeTpuCompilerStandIn.dll).</summary>
    public static string AssemblyPath => typeof(EdgeTpuCompilerStandInScript).Assembly.Location;

    /// <summary>Writes <c>&lt;folder&gt;/edgetpu_compiler</c> (mode 755) and returns its full path.</summary>
    public static string WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var script = Path.Combine(folder, "edgetpu_compiler");
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        File.WriteAllText(script, $"#!/bin/sh\nexec \"{dotnet}\" \"{AssemblyPath}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return Path.GetFullPath(script);
    }
}

using ModelBuild.Core.EdgeTpu;
using ModelBuild.EdgeTpuCompilerStandIn;

namespace ModelBuild.TestSupport;

/// <summary>
/// ModelBuild's stand-in for Google's edgetpu_compiler (tests/ModelBuild.EdgeTpuCompilerStandIn), installed as an
/// executable <c>edgetpu_compiler</c> script in a folder of its own, with a file that records every invocation.
/// </summary>
public sealed class EdgeTpuStandIn
{
    private EdgeTpuStandIn(string folder)
    {
        Folder = folder;
        Script = EdgeTpuCompilerStandInScript.WriteTo(folder);
        InvocationsFile = Path.Combine(folder, "invocations.txt");
    }

    /// <summary>The folder holding <c>edgetpu_compiler</c> (for PATH).</summary>
    public string Folder { get; }

    /// <summary>The <c>edgetpu_compiler</c> script (for EdgeTpuCompilerPath / MODELBUILD_EDGETPU_COMPILER).</summary>
    public string Script { get; }

    /// <summary>Where the stand-in appends one line of arguments per run (EDGETPU_STANDIN_ARGS_FILE).</summary>
    public string InvocationsFile { get; }

    /// <summary>Installs a stand-in in a new folder under <paramref name="scratchRoot"/> (a test run's scratch folder).</summary>
    public static EdgeTpuStandIn Install(string scratchRoot) => new(Path.Combine(scratchRoot, "standin", Guid.NewGuid().ToString("N")[..8]));

    /// <summary>Compilations so far (each run's argument list), leaving out the locator's <c>--version</c> queries.</summary>
    public IReadOnlyList<string[]> Compilations() =>
        File.Exists(InvocationsFile)
            ? File.ReadAllLines(InvocationsFile).Select(l => l.Split('\t')).Where(a => !a.Contains("--version")).ToList()
            : [];

    /// <summary>The stand-in's output for <paramref name="model"/>: the input model's bytes plus its trailing marker.</summary>
    public static byte[] ExpectedOutput(string model) =>
        [.. File.ReadAllBytes(model), .. System.Text.Encoding.ASCII.GetBytes(StandInCompiler.OutputMarker)];

    /// <summary>
    /// Sets a build's <paramref name="environment"/> (a null value removes a variable) so this stand-in records its runs;
    /// <paramref name="through"/> says where the build finds it.
    /// </summary>
    public void Expose(IDictionary<string, string?> environment, StandInLocation through)
    {
        environment[StandInEnvironment.ArgsFile] = InvocationsFile;
        switch (through)
        {
            case StandInLocation.EnvironmentVariable:
                environment[EdgeTpuCompilerLocator.EnvironmentVariable] = Script;
                break;
            case StandInLocation.Path:
                environment["PATH"] = Folder + Path.PathSeparator + environment["PATH"];
                break;
            case StandInLocation.PropertyOnly:
                break;
        }
    }

    /// <summary>
    /// The environment every test build starts from: no Edge TPU compiler visible (no MODELBUILD_EDGETPU_COMPILER, no
    /// edgetpu_compiler on PATH), whatever the machine has, so builds are the same everywhere; tests add the stand-in
    /// where they want one. A null value removes the variable.
    /// </summary>
    public static Dictionary<string, string?> EnvironmentWithoutCompiler() => new()
    {
        [EdgeTpuCompilerLocator.EnvironmentVariable] = null,
        ["PATH"] = string.Join(Path.PathSeparator, (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(dir => !File.Exists(Path.Combine(dir, EdgeTpuCompilerLocator.ExecutableName)))),
    };
}

/// <summary>How a build finds the stand-in compiler (besides the EdgeTpuCompilerPath property, which the project sets).</summary>
public enum StandInLocation
{
    /// <summary>Only the project's EdgeTpuCompilerPath property names it.</summary>
    PropertyOnly,

    /// <summary>MODELBUILD_EDGETPU_COMPILER names the script.</summary>
    EnvironmentVariable,

    /// <summary>Its folder is first on PATH.</summary>
    Path,
}

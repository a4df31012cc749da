using System.Diagnostics;
using System.Text;
using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>The outcome of one `dotnet` process: exit code and the combined output.</summary>
public sealed record DotNetResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>The four pipeline tasks, in pipeline order.</summary>
    public static readonly string[] PipelineTasks = ["CutModel", "ConvertInt8", "CompileEdgeTpu", "EmitCombos"];

    /// <summary>Every task the SDK declares, including the cheap bookkeeping ones.</summary>
    public static readonly string[] AllModelBuildTasks = ["WriteModelBuildStamps", .. PipelineTasks, "CollectModelBuildArtifacts"];

    /// <summary>Names of the ModelBuild pipeline tasks that executed (from the detailed log's "Task \"X\"" lines).</summary>
    public IReadOnlyList<string> PipelineTasksRun => TasksRun(PipelineTasks);

    /// <summary>Every ModelBuild task that executed, bookkeeping included.</summary>
    public IReadOnlyList<string> ModelBuildTasksRun => TasksRun(AllModelBuildTasks);

    /// <summary>How many output lines contain <paramref name="text"/>.</summary>
    public int LinesContaining(string text) => Output.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    private List<string> TasksRun(IEnumerable<string> tasks) =>
        tasks.Where(t => Output.Contains($"Task \"{t}\"", StringComparison.Ordinal)).ToList();
}

/// <summary>
/// Runs the dotnet CLI as a user would, isolated from the test host: no MSBuild variables inherited from
/// `dotnet test`, no node reuse (it would lock the task assembly), a private NuGet package folder.
/// </summary>
public static class DotNet
{
    /// <summary>
    /// The user's NuGet package folder, as a <c>packagesDirectory</c>: null, so NUGET_PACKAGES is left as the test host
    /// has it. Commands that restore this repository's own projects (packing the SDK or the tool, building the sample in
    /// place) use it: their restore must write exactly what the user's own restore wrote. A private folder would point
    /// obj/project.assets.json at a folder deleted after the run (NETSDK1064 on the next build); even the same folder
    /// spelled otherwise (NuGet's default is "~/.nuget/packages/", with the slash) rewrites the projects'
    /// obj/*.nuget.g.props, which every compile depends on, so the packs recompiled Core, Tasks and the CLI the solution
    /// build had just compiled, and the user's next build compiled them all again.
    /// </summary>
    public const string? UserPackageFolder = null;

    public static DotNetResult Run(string workingDirectory, string? packagesDirectory, params string[] arguments) =>
        Run(workingDirectory, packagesDirectory, null, arguments);

    /// <param name="environment">Variables to set; a null value removes the variable.</param>
    public static DotNetResult Run(string workingDirectory, string? packagesDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        using var process = DotNetProcess.Start(workingDirectory, packagesDirectory, environment, ownProcessGroup: false, arguments);
        return process.WaitForExit(TimeSpan.FromMinutes(15));
    }

    internal static ProcessStartInfo StartInfo(string workingDirectory, string? packagesDirectory, IReadOnlyDictionary<string, string?>? environment, bool ownProcessGroup, string[] arguments)
    {
        // setsid puts dotnet (same pid: a child of the test host is no group leader, so setsid does not fork) into a
        // process group of its own, which Ctrl+C-style signals can then target without reaching the test host.
        var psi = new ProcessStartInfo(ownProcessGroup ? "setsid" : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (ownProcessGroup) psi.ArgumentList.Add("dotnet");
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_HOST_PATH" or "MSBUILDNOINPROCNODE")
                psi.Environment.Remove(key);
        if (packagesDirectory is not null) psi.Environment["NUGET_PACKAGES"] = packagesDirectory;
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        }

        return psi;
    }
}

/// <summary>A running `dotnet` process whose output can be watched and which can be interrupted like Ctrl+C.</summary>
public sealed class DotNetProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _ownProcessGroup;
    private readonly string _command;

    private DotNetProcess(ProcessStartInfo psi, bool ownProcessGroup)
    {
        _ownProcessGroup = ownProcessGroup;
        _command = string.Join(' ', psi.ArgumentList);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static DotNetProcess Start(string workingDirectory, string? packagesDirectory, IReadOnlyDictionary<string, string?>? environment, bool ownProcessGroup, params string[] arguments) =>
        new(DotNet.StartInfo(workingDirectory, packagesDirectory, environment, ownProcessGroup, arguments), ownProcessGroup);

    /// <summary>Waits until a line containing <paramref name="text"/> was printed; false if the process ended first or time ran out.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return true;
            if (_process.HasExited) return Output.Contains(text, StringComparison.Ordinal);
            Thread.Sleep(50);
        }

        return false;
    }

    /// <summary>
    /// SIGINT, as Ctrl+C delivers it: to the whole process group when the process was started in its own group
    /// (a terminal signals every process of the foreground job), else to the dotnet process alone (as a CI runner or
    /// an IDE stopping a build does).
    /// </summary>
    public void Interrupt()
    {
        int target = _process.Id;
        if (_ownProcessGroup)
        {
            int group = ProcessTable.ProcessGroupOf(_process.Id);
            if (group != _process.Id || group == ProcessTable.ProcessGroupOf(Environment.ProcessId))
                throw new InvalidOperationException($"dotnet (pid {_process.Id}) is not the leader of its own process group (group {group}); refusing to signal a group the test host may share.");
            target = -group; // kill(2): a negative pid addresses the process group
        }

        if (Signals.Kill(target, Signals.SigInt) != 0)
            throw new InvalidOperationException($"kill({target}, SIGINT) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    public DotNetResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {_command} did not finish in {timeout.TotalMinutes:F0} minutes:\n{Output}");
        }

        _process.WaitForExit(); // drains the redirected output
        return new DotNetResult(_process.ExitCode, Output, _clock.Elapsed);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}

/// <summary>POSIX kill(2), so interrupting a build needs no procps on the machine.</summary>
internal static partial class Signals
{
    public const int SigInt = 2;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}

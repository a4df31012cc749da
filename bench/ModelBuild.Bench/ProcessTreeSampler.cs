namespace ModelBuild.Bench;

/// <summary>
/// Polls /proc while a command runs: the resident memory of the whole process tree under a root process (the
/// `dotnet build` with its MSBuild nodes), and of its largest single process. Peaks are what the sampling saw
/// (every 50 ms); `/usr/bin/time`'s figure (the kernel's peak RSS of the largest process) goes beside it.
/// </summary>
internal sealed class ProcessTreeSampler : IDisposable
{
    private readonly int _root;
    private readonly Thread _thread;
    private volatile bool _stop;

    public ProcessTreeSampler(int rootPid)
    {
        _root = rootPid;
        _thread = new Thread(Loop) { IsBackground = true, Name = "process tree sampler" };
        _thread.Start();
    }

    public long PeakTreeBytes { get; private set; }

    public long PeakProcessBytes { get; private set; }

    /// <summary>CPU time (user + system) of every process of the tree, as last sampled (clock ticks of 1/100 s).</summary>
    public double CpuSeconds => _cpuTicks.Values.Sum() / 100.0;

    private readonly Dictionary<int, long> _cpuTicks = [];

    /// <summary>The process that reached <see cref="PeakProcessBytes"/> (its command line, shortened).</summary>
    public string PeakProcess { get; private set; } = "";

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Loop()
    {
        while (!_stop)
        {
            Sample();
            Thread.Sleep(50);
        }
    }

    private void Sample()
    {
        var parents = new Dictionary<int, int>();
        var rss = new Dictionary<int, long>();
        var cpu = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so parse after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1]);
                cpu[pid] = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14 and 15 of stat)
                var statm = File.ReadAllText(Path.Combine(dir, "statm")).Split(' ');
                rss[pid] = long.Parse(statm[1]) * Environment.SystemPageSize;
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        long tree = 0;
        foreach (var (pid, bytes) in rss)
        {
            if (!InTree(pid, parents)) continue;
            tree += bytes;
            if (cpu.TryGetValue(pid, out var ticks)) _cpuTicks[pid] = ticks;
            if (bytes > PeakProcessBytes)
            {
                PeakProcessBytes = bytes;
                PeakProcess = CommandLine(pid);
            }
        }

        PeakTreeBytes = Math.Max(PeakTreeBytes, tree);
    }

    private static string CommandLine(int pid)
    {
        try
        {
            var parts = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var text = string.Join(' ', parts.Select(Path.GetFileName).Take(3));
            return text.Length > 60 ? text[..60] : text;
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private bool InTree(int pid, Dictionary<int, int> parents)
    {
        for (int depth = 0; depth < 64 && pid > 1; depth++)
        {
            if (pid == _root) return true;
            if (!parents.TryGetValue(pid, out pid)) return false;
        }

        return false;
    }
}

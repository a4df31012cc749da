namespace ModelBuild.TestSupport;

/// <summary>What /proc says about running processes (Linux): process groups, and processes still at work on a path.</summary>
public static class ProcessTable
{
    /// <summary>The process group of <paramref name="pid"/> (field 5 of /proc/&lt;pid&gt;/stat).</summary>
    public static int ProcessGroupOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so read after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Command lines of the live processes whose arguments mention <paramref name="text"/> (e.g. a test project's folder).</summary>
    public static IReadOnlyList<string> CommandLinesContaining(string text)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
                if (cmdline.Contains(text, StringComparison.Ordinal)) found.Add($"{pid}: {cmdline}");
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for every process mentioning <paramref name="text"/> to end; returns those left.</summary>
    public static IReadOnlyList<string> WaitUntilNoneMention(string text, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var left = CommandLinesContaining(text);
            if (left.Count == 0 || clock.Elapsed > timeout) return left;
            Thread.Sleep(100);
        }
    }
}

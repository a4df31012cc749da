using System.Globalization;

namespace ModelBuild.TestSupport;

/// <summary>What /proc says about this process's threads (Linux): their ids, the CPUs each may use, their CPU time.</summary>
public static class ThreadTable
{
    /// <summary>The calling thread's kernel id (/proc/thread-self links to &lt;pid&gt;/task/&lt;tid&gt;).</summary>
    public static int Current => int.Parse(Path.GetFileName(new DirectoryInfo("/proc/thread-self").ResolveLinkTarget(false)!.FullName), CultureInfo.InvariantCulture);

    /// <summary>Ids of this process's threads whose name starts with <paramref name="prefix"/> (Linux keeps 15 characters of a name).</summary>
    public static IReadOnlyList<int> Named(string prefix)
    {
        var ids = new List<int>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                    ids.Add(int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return ids;
    }

    /// <summary>The CPUs thread <paramref name="tid"/> may run on ("Cpus_allowed_list: 0-2,5" → 0, 1, 2, 5).</summary>
    public static int[] AllowedCpus(int tid)
    {
        var list = File.ReadAllLines($"/proc/self/task/{tid}/status").Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();
        return [.. list.Split(',').SelectMany(r => r.Split('-') is [var a, var b] ? Enumerable.Range(Parse(a), Parse(b) - Parse(a) + 1) : [Parse(r)])];
    }

    /// <summary>Time the threads have spent on a CPU, in ms (the first field of schedstat, in ns; a thread that ended counts 0).</summary>
    public static double CpuMilliseconds(IEnumerable<int> tids)
    {
        long ns = 0;
        foreach (var tid in tids)
        {
            try
            {
                ns += long.Parse(File.ReadAllText($"/proc/self/task/{tid}/schedstat").Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return ns / 1e6;
    }

    private static int Parse(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}

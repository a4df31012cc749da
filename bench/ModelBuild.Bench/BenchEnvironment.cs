using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelBuild.Bench;

/// <summary>What the numbers were measured on, and how busy the machine was (the load average goes with every result).</summary>
internal static class BenchEnvironment
{
    public static string Machine =>
        $"{Environment.ProcessorCount} logical cores, {CpuName()}, {MemoryGiB():F0} GiB RAM, AVX2={Avx2.IsSupported} FMA={Fma.IsSupported} " +
        $"AVX-512F={Avx512F.IsSupported} (Vector512 accelerated: {Vector512.IsHardwareAccelerated}), .NET {Environment.Version}, {RuntimeInformation.OSDescription}";

    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg.</summary>
    public static string LoadAverage =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static void PrintHeader(string what)
    {
        Console.WriteLine($"# {what}");
        Console.WriteLine($"machine: {Machine}");
        Console.WriteLine($"started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, load average {LoadAverage}");
    }

    private static string CpuName() =>
        File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?" : "?";

    private static double MemoryGiB()
    {
        if (!File.Exists("/proc/meminfo")) return double.NaN;
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1048576.0;
    }
}

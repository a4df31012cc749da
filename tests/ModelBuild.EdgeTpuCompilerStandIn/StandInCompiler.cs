using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ModelBuild.EdgeTpuCompilerStandIn;

/// <summary>
/// Stand-in for Google's <c>edgetpu_compiler</c> (16.0) in tests: same command line, output file names, stdout and
/// <c>_edgetpu.log</c> format (as in Coral's documentation and published compiler logs), and the same failure modes.
/// It does not compile anything: which operations "map", and the on-chip figure, come from its own reading of Coral's
/// documentation (<see cref="StandInMapping"/>, <see cref="StandInOperatorTable"/>; it shares no code with ModelBuild),
/// and the output model is the input model unchanged plus a trailing marker (<see cref="OutputMarker"/>).
/// </summary>
public static class StandInCompiler
{
    public const string DefaultVersion = "16.0.384591198";

    /// <summary>Appended after the flatbuffer of every output model; TFLite readers ignore trailing bytes.</summary>
    public const string OutputMarker = "\0MODELBUILD-EDGETPU-COMPILER-STAND-IN\0";

    public const int DefaultTimeoutSeconds = 180;

    /// <summary>Coral: "roughly 8 MB" of on-chip SRAM; the default cache leaves 20 KiB of it to the compiler's own use.</summary>
    public const long DefaultOnChipBytes = 8L * 1024 * 1024 - 20 * 1024;

    private const string PartialMappingText =
        "Model successfully compiled but not all operations are supported by the Edge TPU. A percentage of the model will instead run on the CPU, which is slower. If possible, consider updating your model to use only operations supported by the Edge TPU. For details, visit g.co/coral/model-reqs.";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var version = Environment.GetEnvironmentVariable(StandInEnvironment.Version) ?? DefaultVersion;
        if (Environment.GetEnvironmentVariable(StandInEnvironment.ArgsFile) is { Length: > 0 } argsFile)
            AppendLine(argsFile, string.Join('\t', args));

        StandInOptions options;
        try
        {
            options = StandInOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"ERROR: {e.Message}");
            return 1;
        }

        if (options.Help)
        {
            stdout.Write(StandInOptions.Usage);
            return 0;
        }

        if (options.Version)
        {
            stdout.WriteLine($"Edge TPU Compiler version {version}");
            return 0;
        }

        stdout.WriteLine($"Edge TPU Compiler version {version}");
        if (options.Models.Count == 0)
        {
            stdout.Write(StandInOptions.Usage);
            return 1;
        }

        var models = new List<(string Path, byte[] Bytes, StandInModel Model)>();
        foreach (var path in options.Models)
        {
            StandInModel model;
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
                model = StandInModel.Read(bytes);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                stdout.WriteLine($"Invalid model: {path}");
                stdout.WriteLine(File.Exists(path) ? "Model could not be parsed" : "Model file not found");
                return 1;
            }

            if (!IsQuantized(model))
            {
                stdout.WriteLine($"Invalid model: {path}");
                stdout.WriteLine("Model not quantized");
                return 1;
            }

            models.Add((path, bytes, model));
        }

        stdout.WriteLine($"Started a compilation timeout timer of {options.TimeoutSeconds} seconds.");
        stdout.Flush();
        var watch = Stopwatch.StartNew();
        if (Seconds(StandInEnvironment.HangSeconds) is { } hang) Thread.Sleep(TimeSpan.FromSeconds(hang));
        if (Seconds(StandInEnvironment.SleepSeconds) is { } sleep)
        {
            if (sleep > options.TimeoutSeconds)
            {
                // Compiler 16's words when its -t timer fires (a log published in Coral's issue tracker).
                Thread.Sleep(TimeSpan.FromSeconds(options.TimeoutSeconds));
                stdout.WriteLine("Compilation timeout. This is usually caused by large activations.");
                stdout.WriteLine("Compilation failed! ");
                return 1;
            }

            Thread.Sleep(TimeSpan.FromSeconds(sleep));
        }

        if (Environment.GetEnvironmentVariable(StandInEnvironment.Fail) is { Length: > 0 } fail)
        {
            stdout.WriteLine();
            stdout.WriteLine(fail == "1" ? "Internal compiler error. Aborting! " : fail);
            stdout.WriteLine("Compilation child process completed within timeout period.");
            stdout.WriteLine("Compilation failed! ");
            return 1;
        }

        long capacity = long.TryParse(Environment.GetEnvironmentVariable(StandInEnvironment.OnChipBytes), out var c) ? c : DefaultOnChipBytes;
        bool writeOutput = Environment.GetEnvironmentVariable(StandInEnvironment.NoOutput) is not { Length: > 0 };
        var outDir = options.OutDir ?? ".";
        var reports = new List<string>();
        foreach (var (path, bytes, model) in models)
            reports.Add(Compile(path, bytes, model, outDir, options, version, capacity, writeOutput));

        stdout.WriteLine();
        stdout.WriteLine($"{(models.Count > 1 ? "Models" : "Model")} compiled successfully in {watch.ElapsedMilliseconds} ms.");
        foreach (var r in reports) stdout.Write(r);
        stdout.WriteLine("Compilation child process completed within timeout period.");
        stdout.WriteLine("Compilation succeeded! ");
        return 0;
    }

    private static string Compile(string path, byte[] bytes, StandInModel model, string outDir, StandInOptions options, string version, long capacity, bool writeOutput)
    {
        var (verdicts, parameterBytes) = StandInMapping.Map(model);
        int onEdgeTpu = verdicts.Count(v => v.Mapped);
        var stem = Path.GetFileNameWithoutExtension(path);
        var outModel = Path.Combine(outDir, stem + "_edgetpu.tflite");
        var outLog = Path.Combine(outDir, stem + "_edgetpu.log");
        var compiled = bytes.Concat(Encoding.ASCII.GetBytes(OutputMarker)).ToArray();
        long used = Math.Min(parameterBytes, capacity);
        long offChip = parameterBytes - used;
        var table = Table(verdicts);

        if (writeOutput)
        {
            Directory.CreateDirectory(outDir);
            File.WriteAllBytes(outModel, compiled);
            File.WriteAllText(outLog, $"Edge TPU Compiler version {version}\nInput: {path}\nOutput: {outModel}\n\n{table}\n");
        }

        var s = new StringBuilder();
        s.Append('\n');
        s.Append($"Input model: {path}\n");
        s.Append($"Input size: {Size(bytes.Length)}\n");
        s.Append($"Output model: {outModel}\n");
        s.Append($"Output size: {Size(compiled.Length)}\n");
        s.Append($"On-chip memory used for caching model parameters: {Size(used)}\n");
        s.Append($"On-chip memory remaining for caching model parameters: {Size(capacity - used)}\n");
        s.Append($"Off-chip memory used for streaming uncached model parameters: {Size(offChip)}\n");
        s.Append($"Number of Edge TPU subgraphs: {(onEdgeTpu > 0 ? 1 : 0)}\n");
        s.Append($"Total number of operations: {verdicts.Count}\n");
        s.Append($"Operation log: {outLog}\n");
        s.Append('\n');
        if (onEdgeTpu < verdicts.Count)
        {
            s.Append(PartialMappingText).Append('\n');
            s.Append($"Number of operations that will run on Edge TPU: {onEdgeTpu}\n");
            s.Append($"Number of operations that will run on CPU: {verdicts.Count - onEdgeTpu}\n");
            s.Append('\n');
        }
        else if (!options.ShowOperations)
        {
            s.Append("See the operation log file for individual operation details.\n");
        }

        if (options.ShowOperations) s.Append(table).Append('\n');
        return s.ToString();
    }

    /// <summary>The operation table: one row per (operator, status), in order of first appearance.</summary>
    private static string Table(List<StandInVerdict> verdicts)
    {
        var s = new StringBuilder();
        s.Append($"{"Operator",-31}{"Count",-11}Status\n\n");
        foreach (var g in verdicts.GroupBy(v => (v.Operator, v.Status))) s.Append($"{g.Key.Operator,-31}{g.Count(),-11}{g.Key.Status}\n");
        return s.ToString();
    }

    /// <summary>Sizes as the compiler prints them: two decimals, the largest of B, KiB, MiB, GiB not above the value.</summary>
    private static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB"];
        double value = bytes;
        int unit = 0;
        while (unit < units.Length - 1 && value >= 1024)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.00", CultureInfo.InvariantCulture) + units[unit];
    }

    /// <summary>
    /// Appends one line while holding the file exclusively: several stand-ins run at once, and a plain append from each
    /// (seek to the end, then write) can land two lines at the same offset.
    /// </summary>
    private static void AppendLine(string path, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
                file.Write(bytes);
                return;
            }
            catch (IOException) when (attempt < 500)
            {
                Thread.Sleep(10);
            }
        }
    }

    private static double? Seconds(string variable) =>
        double.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : null;

    /// <summary>The real compiler refuses a model none of whose activations are 8-bit ("Model not quantized").</summary>
    private static bool IsQuantized(StandInModel model) =>
        model.Tensors.Any(t => t.Type is StandInModel.Int8 or StandInModel.UInt8 && !model.IsConstant(t));
}

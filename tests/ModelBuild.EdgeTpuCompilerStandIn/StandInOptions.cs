using System.Globalization;

namespace ModelBuild.EdgeTpuCompilerStandIn;

/// <summary>The real compiler's flags (coral.ai/docs/edgetpu/compiler, "Available compiler options").</summary>
public sealed class StandInOptions
{
    public const string Usage = """
        Usage: edgetpu_compiler [options] model...
        (ModelBuild's stand-in for Google's Edge TPU Compiler; for tests only.)

        Options:
          -a, --enable_multiple_subgraphs   accepted, ignored
          -d, --search_delegate             accepted, ignored
          -e, --delegate_search_step N      accepted, ignored
          -h, --help                        print this help and exit
          -i, --intermediate_tensors NAMES  accepted, ignored
          -k, --partition_search_step N     accepted, ignored
          -m, --min_runtime_version N       lowest Edge TPU runtime version to target
          -n, --num_segments N              accepted, ignored
          -o, --out_dir DIR                 output directory (default: current directory)
          -s, --show_operations             print the operation table
          -t, --timeout_sec N               compilation timeout in seconds (default: 180)
          -v, --version                     print the compiler version and exit

        """;

    public List<string> Models { get; } = [];

    public string? OutDir { get; private set; }

    public bool ShowOperations { get; private set; }

    public bool Help { get; private set; }

    public bool Version { get; private set; }

    public int? MinRuntimeVersion { get; private set; }

    public int TimeoutSeconds { get; private set; } = StandInCompiler.DefaultTimeoutSeconds;

    public static StandInOptions Parse(string[] args)
    {
        var o = new StandInOptions();
        for (int i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is var eq and > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value() => inline ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"flag '{arg}' is missing its value"));
            int IntValue() => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v
                : throw new ArgumentException($"flag '{arg}' needs a positive integer");

            switch (arg)
            {
                case "-h" or "--help": o.Help = true; break;
                case "-v" or "--version": o.Version = true; break;
                case "-s" or "--show_operations": o.ShowOperations = true; break;
                case "-o" or "--out_dir": o.OutDir = Value(); break;
                case "-m" or "--min_runtime_version": o.MinRuntimeVersion = IntValue(); break;
                case "-t" or "--timeout_sec": o.TimeoutSeconds = IntValue(); break;
                case "-a" or "--enable_multiple_subgraphs" or "-d" or "--search_delegate": break;
                case "-e" or "--delegate_search_step" or "-k" or "--partition_search_step" or "-n" or "--num_segments": IntValue(); break;
                case "-i" or "--intermediate_tensors": Value(); break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1) throw new ArgumentException($"Unknown command line flag '{arg.TrimStart('-')}'");
                    o.Models.Add(arg);
                    break;
            }
        }

        return o;
    }
}

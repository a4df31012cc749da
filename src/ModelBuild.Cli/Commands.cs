using System.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Cli;

/// <summary>The modelbuild commands; each is a thin call into ModelBuild.Core, like the MSBuild tasks.</summary>
public static class Commands
{
    public static readonly string Usage = $"""
        usage: modelbuild <command> ...
          inspect <model.keras|.h5|.tflite>       layers / operators, tensors, parameter sizes
          plan <model> [--budget {ModelBuildDefaults.BudgetMiB}] [--cuts a;b] cut points and segment sizes for a budget (MiB)
          synthesize <architecture> <out.h5|out.keras> [--seed 1]
                                                  write a Keras .h5 with that architecture and random weights
                                                  ({string.Join(", ", Enum.GetNames<SynthArchitecture>())})
          build <model> <out-dir> [options]       the whole chain without MSBuild: <out-dir>/<name>/full_split, pairs_kN;
                                                  every KerasModel option as a flag (modelbuild build --help)
          chain <layout-folder>                   run a full_split or pairs_kN folder on the reference input
          cache list|verify|prune [--dir <cache>] [--max-gib N]   the model cache (default: $MODELBUILD_CACHE)
        modelbuild <command> --help: that command's options
        """ + "\n" + EdgeTpuCheckCommand.UsageLine;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "edgetpu-check") return EdgeTpuCheckCommand.Run(args[1..], Console.Out);

        if (args.Skip(1).Any(x => x is "-h" or "--help"))
        {
            Console.WriteLine(CommandHelp.For(args[0]));
            return 0;
        }

        var a = new Arguments(args.Skip(1));
        return args[0] switch
        {
            "inspect" => Inspect(a.Positional(0, "the model file")),
            "plan" => Plan(a.Positional(0, "the .keras or .h5 file"), a.Number("budget", ModelBuildDefaults.BudgetMiB), a.Option("cuts")),
            "synthesize" => Synthesize(a.Positional(0, "the architecture"), a.Positional(1, "the output .h5 path"), (int)a.Number("seed", 1)),
            "build" => BuildCommand.Run(a.Positional(0, "the .keras or .h5 file"), a.Positional(1, "the output folder"), a),
            "chain" => Chain(a.Positional(0, "the layout folder")),
            "cache" => CacheCommands.Run(a),
            _ => throw new UsageException($"unknown command '{args[0]}'."),
        };
    }

    private static int Inspect(string path)
    {
        if (path.EndsWith(".tflite", StringComparison.OrdinalIgnoreCase))
        {
            var flat = TfLiteFileErrors.ReadFlat(path);
            var sub = flat.Subgraphs[0];
            Console.WriteLine($"{Path.GetFileName(path)}: TFLite schema {flat.Version}, {flat.Subgraphs.Count} subgraph(s), {sub.Operators.Count} operators, min runtime {flat.MinRuntimeVersion ?? "?"}");
            foreach (var i in sub.Inputs) Console.WriteLine($"  input  {sub.Tensors[i]} {Quant(sub.Tensors[i])}");
            foreach (var o in sub.Outputs) Console.WriteLine($"  output {sub.Tensors[o]} {Quant(sub.Tensors[o])}");
            foreach (var g in sub.Operators.GroupBy(op => flat.OperatorCodes[(int)op.OpcodeIndex]).OrderByDescending(g => g.Count()))
                Console.WriteLine($"  {g.Count(),4} × {g.Key.DisplayName} v{g.Key.Version}");
            return 0;
        }

        var graph = KerasModelReader.Read(path);
        var bytes = SizeModel.NodeBytes(graph, perChannel: true);
        Console.WriteLine($"{Path.GetFileName(path)}: model '{graph.Name}', {graph.Nodes.Count} ops after rewrites, {bytes.Sum() / 1048576.0:F2} MiB of int8 parameters");
        foreach (var t in graph.Inputs) Console.WriteLine($"  input  {t.Name} ({string.Join(",", t.Shape)})");
        foreach (var t in graph.Outputs) Console.WriteLine($"  output {t.Name} ({string.Join(",", t.Shape)})");
        foreach (var g in graph.Nodes.GroupBy(n => n.Op).OrderByDescending(g => g.Count()))
            Console.WriteLine($"  {g.Count(),4} × {g.Key}");
        var candidates = CutCandidates.Find(graph, null);
        Console.WriteLine($"  {candidates.Count} cut candidates ({candidates.Count(c => c.IsBlockBoundary)} block outputs)");
        return 0;
    }

    private static string Quant(TfLiteFlatTensor t) =>
        t.Quantization is { Scale.Length: > 0 } q ? $"scale {q.Scale[0]:G6} zero point {q.ZeroPoint[0]}" : "";

    private static int Plan(string h5, double budget, string? cuts)
    {
        var graph = KerasModelReader.Read(h5);
        var plan = BudgetPlanner.Plan(graph, budget, new PlannerOptions { SourceFile = h5, Cuts = ModelBuildSettings.ParseList(cuts) is { Count: > 0 } c ? c : null }, new ConsoleBuildLog());
        Console.WriteLine($"{Path.GetFileName(h5)}: K = {plan.K} segments at {budget} MiB ({plan.Method})");
        foreach (var s in plan.Segments)
            Console.WriteLine($"  seg{s.Index}: {s.ParamMiB,7:F3} MiB  {s.NodeCount,4} ops  {s.FromTensor ?? "input"} → {s.ToTensor ?? "output"}");
        foreach (var cut in plan.Cuts) Console.WriteLine($"  cut {cut.Tensor} ({string.Join(",", cut.Shape)})");
        return 0;
    }

    /// <summary>Writes a keras.applications family (SynthArchitecture) with random weights (ModelBuild.Core.Synthesis): Keras 3 .keras when the output ends in .keras, else Keras 2 .h5.</summary>
    private static int Synthesize(string architecture, string output, int seed)
    {
        if (!Enum.TryParse<SynthArchitecture>(architecture, ignoreCase: true, out var arch) || !Enum.IsDefined(arch))
            throw new UsageException($"unknown architecture '{architecture}'; use one of {string.Join(", ", Enum.GetNames<SynthArchitecture>())}.");
        var clock = Stopwatch.StartNew();
        var format = output.EndsWith(".keras", StringComparison.OrdinalIgnoreCase) ? SynthFileFormat.KerasArchive : SynthFileFormat.KerasH5;
        KerasModelSynthesizer.Write(output, arch, seed, new SynthOptions { Format = format });
        Console.WriteLine($"wrote {output}: synthetic {arch} (random weights, seed {seed}), {new FileInfo(output).Length / 1048576.0:F1} MB in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static int Chain(string folder)
    {
        var runner = new LayoutChainRunner(folder);
        var shape = runner.Input.Shape;
        int size = shape.Aggregate(1, (x, y) => x * y);
        var input = Enumerable.Range(0, size).Select(i => (float)((i * 7919L) % 1000) / 1000f).ToArray();
        var output = runner.RunFloat(input);
        int best = Array.IndexOf(output, output.Max());
        Console.WriteLine($"{runner.Meta.Combo}: {runner.Meta.Models.Count} models, input ({string.Join(",", shape)}), output {output.Length} values, argmax {best} ({output[best]:G4})");
        return 0;
    }
}

using ModelBuild.Core.Synthesis;

namespace ModelBuild.Cli;

/// <summary>The text of <c>modelbuild &lt;command&gt; --help</c>.</summary>
public static class CommandHelp
{
    public static string For(string command) => command switch
    {
        "inspect" => """
            usage: modelbuild inspect <model.h5|model.tflite>
              a Keras model: its inputs, outputs, operators after rewrites, int8 parameter size and cut candidates;
              a .tflite: its schema version, inputs and outputs with their quantization, and operators with versions
            """,
        "plan" => """
            usage: modelbuild plan <model.h5> [--budget <MiB>] [--cuts <tensor;tensor>]
              the cut points and segment sizes the build would choose (BudgetMiB and Cuts as in KerasModel)
            """,
        "synthesize" => $"""
            usage: modelbuild synthesize <architecture> <out.h5|out.keras> [--seed <n>]
              writes a Keras 2 .h5 (or a Keras 3 .keras when the name ends in .keras) with that keras.applications
              architecture, its default input size and random weights (seed 1 unless given); one seed gives the same
              weights in both formats; architectures: {string.Join(", ", Enum.GetNames<SynthArchitecture>())}
            """,
        "build" => BuildCommand.Usage,
        "chain" => """
            usage: modelbuild chain <layout-folder>
              runs a full_split or pairs_kN folder (as laid out by a build) on a fixed input and prints the argmax
            """,
        "cache" => """
            usage: modelbuild cache list|verify|prune [--dir <cache>] [--max-gib <GiB>]
              the model cache folder (--dir, else $MODELBUILD_CACHE): list its entries, verify every file against its
              entry.json, or prune (remove corrupt entries and stale leftovers, then evict down to --max-gib)
            """,
        _ => throw new UsageException($"unknown command '{command}'."),
    };
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.TfLite;

namespace ModelBuild.TestSupport.Fuzzing;

/// <summary>A real file to mutate and the reader it goes through.</summary>
public sealed record FuzzTarget(string SourcePath, bool IsTfLite)
{
    public string Name => Path.GetFileName(SourcePath);

    public byte[] Bytes { get; } = File.ReadAllBytes(SourcePath);

    public bool IsZip => Bytes.Length >= 4 && Bytes[0] == (byte)'P' && Bytes[1] == (byte)'K';

    public string Extension => Path.GetExtension(SourcePath);

    /// <summary>The small real files of ../shared the fuzzer mutates: two Keras 2 .h5, a Keras 3 .keras, an int8 .tflite.</summary>
    public static IReadOnlyList<FuzzTarget> Shared() =>
    [
        new(RepoPaths.KerasModel("13_mnist_edgetpu_tutorial_k2.h5"), false),
        new(RepoPaths.KerasModel("03_mlperf_tiny_resnet8_cifar10_k2.4.h5"), false),
        new(RepoPaths.KerasModel("15_keras3.10_potato_cnn_nested_resizing_rescaling_augmentation.keras"), false),
        new(RepoPaths.TfLiteModel("13_mnist_int8.tflite"), true),
    ];
}

public enum FuzzOutcomeKind
{
    /// <summary>The damaged file still reads (and, for a Keras model, plans).</summary>
    Valid,

    /// <summary>A ModelBuildException with an MBxxxx code naming the file, nothing left in the work folder.</summary>
    ModelBuildError,

    /// <summary>Failures: any other exception, an error that does not name the file, a run over the time limit, or output left behind.</summary>
    UnhandledException,
    UnnamedFile,
    Hang,
    PartialOutput,
}

/// <summary>What one damaged input did; <see cref="Replay"/> says how to make the same input again.</summary>
public sealed record FuzzOutcome(FuzzTarget Target, int Seed, string Mutation, FuzzOutcomeKind Kind, string Detail, TimeSpan Elapsed)
{
    public bool IsFailure => Kind is not (FuzzOutcomeKind.Valid or FuzzOutcomeKind.ModelBuildError);

    public string Replay => $"{Target.Name} seed {Seed} ({Mutation})";

    public override string ToString() => $"{Kind} {Detail} — {Replay}";
}

/// <summary>
/// Runs damaged copies of a <see cref="FuzzTarget"/> through ModelBuild's readers: a Keras file through the build's
/// first step (<see cref="CutStep"/>, with a work folder), a .tflite through <see cref="TfLiteReader"/>. Each input
/// runs on its own task under a time limit. The input of seed <c>s</c> is <see cref="ModelFileMutator.Mutate"/> with
/// <c>new Random(s)</c>, so any outcome can be replayed from its target and seed.
/// </summary>
public sealed class ReaderFuzzer(FuzzTarget target, string scratchDirectory, TimeSpan perInputLimit)
{
    private static readonly Regex Code = new("^MB[1-5][0-9]{3}$", RegexOptions.CultureInvariant);
    private int _folder;
    private int _inputs;

    /// <summary>Seeds <paramref name="firstSeed"/>, +1, … up to <paramref name="count"/> inputs, stopping early when <paramref name="budget"/> is spent.</summary>
    public IReadOnlyList<FuzzOutcome> Run(int firstSeed, int count, TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = new List<FuzzOutcome>();
        for (int i = 0; i < count && clock.Elapsed < budget; i++) outcomes.Add(Run(firstSeed + i));
        return outcomes;
    }

    public FuzzOutcome Run(int seed)
    {
        var (bytes, mutation) = ModelFileMutator.Mutate(target.Bytes, target.IsZip, new Random(seed));
        var dir = Path.Combine(scratchDirectory, $"{Path.GetFileNameWithoutExtension(target.Name)}-{_folder}");
        var model = Path.Combine(dir, "model" + target.Extension);
        var work = Path.Combine(dir, "obj");
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        File.WriteAllBytes(model, bytes);
        // A unique write time, so the build's in-process graph hand-off never takes a previous input's graph for this one.
        File.SetLastWriteTimeUtc(model, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(++_inputs));

        var clock = Stopwatch.StartNew();
        var read = Task.Run(() =>
        {
            if (target.IsTfLite) TfLiteReader.Read(model);
            else CutStep.Run(new ModelBuildSettings { ModelFile = model }, new WorkFolder(work), new RecordingBuildLog());
        });
        bool finished;
        try
        {
            finished = read.Wait(perInputLimit);
        }
        catch (AggregateException)
        {
            finished = true;
        }

        FuzzOutcome Outcome(FuzzOutcomeKind kind, string detail) => new(target, seed, mutation, kind, detail, clock.Elapsed);
        if (!finished)
        {
            _folder++; // the runaway read may still hold this folder
            return Outcome(FuzzOutcomeKind.Hang, $"still reading after {perInputLimit.TotalSeconds:F0} s");
        }

        if (read.Exception?.InnerException is { } error)
        {
            if (error is not ModelBuildException mb)
                return Outcome(FuzzOutcomeKind.UnhandledException, $"{error.GetType().Name}: {error.Message} {error.StackTrace?.Split('\n')[0].Trim()}");
            if (!Code.IsMatch(mb.Code) || mb.File != model)
                return Outcome(FuzzOutcomeKind.UnnamedFile, $"{mb.Code} names '{mb.File}', not the model: {mb.Message}");
            var left = Directory.GetFileSystemEntries(work).Concat(Directory.GetFileSystemEntries(dir).Where(p => p != model && p != work)).ToList();
            if (left.Count > 0)
                return Outcome(FuzzOutcomeKind.PartialOutput, $"{mb.Code} but left {string.Join(", ", left.Select(Path.GetFileName))}");
            return Outcome(FuzzOutcomeKind.ModelBuildError, mb.Code);
        }

        return Outcome(FuzzOutcomeKind.Valid, target.IsTfLite ? "read" : "planned");
    }
}

using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.Core.Tests.TestGraphs;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Pipeline;

/// <summary>The Layout step after Cut and Convert on a small classifier cut in three: the combo folders, meta.json's source, the progress line.</summary>
[TestClass]
public sealed class LayoutStepTests
{
    private static string _dir = "";
    private static ModelBuildSettings _settings = null!;
    private static string _output = "";
    private static IReadOnlyList<string> _files = [];
    private static readonly RecordingBuildLog Log = new();

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = RepoPaths.NewScratchDirectory("layout-step");
        _settings = new ModelBuildSettings
        {
            ModelFile = SmallKerasTestGraphs.Classifier(Path.Combine(_dir, "small.h5")),
            Cuts = SmallKerasTestGraphs.ClassifierCuts,
            CalibrationSamples = 2,
        };
        var work = new WorkFolder(Path.Combine(_dir, "work"));
        CutStep.Run(_settings, work, new RecordingBuildLog());
        ConvertStep.Run(_settings, work, new RecordingBuildLog());
        _output = Path.Combine(_dir, "out");
        _files = LayoutStep.Run(_settings, work, _output, Log);
    }

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    public void Lays_out_the_full_split_and_a_pairs_folder_per_tail()
    {
        CollectionAssert.AreEquivalent(new[] { ComboPlan.FullSplitFolder, "pairs_k2", "pairs_k3" },
            Directory.GetDirectories(_output).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void Returns_every_file_it_wrote_relative_to_the_output_sorted()
    {
        var onDisk = Directory.EnumerateFiles(_output, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_output, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToArray();

        CollectionAssert.AreEqual(onDisk, _files.ToArray());
        CollectionAssert.Contains(_files.ToList(), "pairs_k2/" + ComboMeta.FileName);
        CollectionAssert.Contains(_files.ToList(), "full_split/note.txt");
    }

    [TestMethod]
    public void Meta_json_names_the_model_file_with_its_sha256()
    {
        var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(_output, ComboPlan.FullSplitFolder, ComboMeta.FileName)));

        Assert.AreEqual(new SourceInfo("small.h5", FileHashes.Sha256(_settings.ModelFile)), meta.Source);
        Assert.AreEqual(3, meta.SegmentCount);
    }

    [TestMethod]
    public void Reports_the_combos_and_files_it_laid_out()
    {
        CollectionAssert.Contains(Log.ProgressMessages, $"small.h5: laid out 3 combos ({_files.Count} files) in {_output}");
    }
}

using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ModelBuild.Tasks;

/// <summary>
/// Lists a model's laid-out files as <c>ModelBuildArtifact</c> items: RelativePath (under the output folder), Kind
/// (tflite | edgetpu | edgetpu-log | meta | note), Combo (full_split, pairs_k2, …), Segment (e.g. 3 or 2-7).
/// </summary>
public sealed partial class CollectModelBuildArtifacts : ModelBuildTask
{
    [Required] public string LayoutDirectory { get; set; } = "";
    [Required] public string OutputSubdirectory { get; set; } = "";
    [Required] public string ModelFile { get; set; } = "";

    [Output] public ITaskItem[] Artifacts { get; set; } = [];

    protected override void Run()
    {
        if (!Directory.Exists(LayoutDirectory))
        {
            Artifacts = [];
            return;
        }

        Artifacts = Directory.EnumerateFiles(LayoutDirectory, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path =>
            {
                var rel = Path.GetRelativePath(LayoutDirectory, path).Replace('\\', '/');
                var item = new TaskItem(path);
                item.SetMetadata("RelativePath", Path.Combine(OutputSubdirectory, rel));
                item.SetMetadata("Combo", rel.Split('/')[0]);
                item.SetMetadata("Kind", KindOf(rel));
                item.SetMetadata("Segment", SegmentOf(Path.GetFileName(rel)));
                item.SetMetadata("KerasModel", ModelFile);
                return (ITaskItem)item;
            })
            .ToArray();
    }

    private static string KindOf(string rel) => rel switch
    {
        _ when rel.EndsWith("_edgetpu.tflite", StringComparison.Ordinal) => "edgetpu",
        _ when rel.EndsWith(".log", StringComparison.Ordinal) => "edgetpu-log",
        _ when rel.EndsWith(".tflite", StringComparison.Ordinal) => "tflite",
        _ when rel.EndsWith("meta.json", StringComparison.Ordinal) => "meta",
        _ when rel.EndsWith("note.txt", StringComparison.Ordinal) => "note",
        _ => "other",
    };

    private static string SegmentOf(string file)
    {
        var tail = TailPattern().Match(file);
        if (tail.Success) return $"{tail.Groups[1].Value}-{tail.Groups[2].Value}";
        var seg = SegmentPattern().Match(file);
        return seg.Success ? seg.Groups[1].Value : "";
    }

    [GeneratedRegex(@"^tail_seg(\d+)_to_(\d+)_")]
    private static partial Regex TailPattern();

    [GeneratedRegex(@"^seg(\d+)_")]
    private static partial Regex SegmentPattern();
}

using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelBuild.Core.Pipeline;
using Task = Microsoft.Build.Utilities.Task;

namespace ModelBuild.Tasks;

/// <summary>
/// Lists the finished layout of each model as <c>ModelBuildArtifact</c> items (also when the pipeline targets were
/// skipped as up to date): full path in obj/, TargetPath under the output directory, and Kind, Combo, Segment.
/// </summary>
public sealed partial class CollectModelBuildArtifacts : Task
{
    [Required]
    public ITaskItem[] Models { get; set; } = [];

    [Output]
    public ITaskItem[] Artifacts { get; set; } = [];

    public override bool Execute()
    {
        var result = new List<ITaskItem>();
        foreach (var model in Models)
        {
            var work = ModelItem.Work(model);
            var sub = model.GetMetadata("OutputSubdirectory");
            foreach (var relative in work.ReadLayoutList())
            {
                var item = new TaskItem(Path.Combine(work.LayoutDirectory, relative.Replace('/', Path.DirectorySeparatorChar)));
                var targetPath = Path.Combine(sub, relative).Replace('/', Path.DirectorySeparatorChar);
                item.SetMetadata("TargetPath", targetPath);
                item.SetMetadata("Link", targetPath);
                item.SetMetadata("KerasModel", model.ItemSpec);
                item.SetMetadata("Combo", relative.Split('/')[0]);
                item.SetMetadata("Kind", KindOf(relative));
                item.SetMetadata("Segment", SegmentOf(Path.GetFileName(relative)));
                result.Add(item);
            }
        }

        Artifacts = result.ToArray();
        return true;
    }

    internal static string KindOf(string relative)
    {
        var name = Path.GetFileName(relative);
        if (name == "meta.json") return "Meta";
        if (name == "note.txt") return "Note";
        if (name.EndsWith("_edgetpu.tflite", StringComparison.Ordinal)) return "EdgeTpuModel";
        if (name.EndsWith(".log", StringComparison.Ordinal)) return "EdgeTpuLog";
        return name.StartsWith("tail_", StringComparison.Ordinal) ? "TailModel" : "SegmentModel";
    }

    /// <summary>"3" for seg3_*, "2-7" for tail_seg2_to_7_*, empty for files that are not models.</summary>
    internal static string SegmentOf(string fileName)
    {
        var tail = TailPattern().Match(fileName);
        if (tail.Success) return $"{tail.Groups[1].Value}-{tail.Groups[2].Value}";
        var seg = SegmentPattern().Match(fileName);
        return seg.Success ? seg.Groups[1].Value : "";
    }

    [GeneratedRegex(@"^tail_seg(\d+)_to_(\d+)_")]
    private static partial Regex TailPattern();

    [GeneratedRegex(@"^seg(\d+)_")]
    private static partial Regex SegmentPattern();
}

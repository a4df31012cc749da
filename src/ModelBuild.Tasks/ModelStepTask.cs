using Microsoft.Build.Framework;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>A task working on one KerasModel item: its model file and its work folder (obj/…/modelbuild/&lt;name&gt;).</summary>
public abstract class ModelStepTask : ModelBuildTask
{
    [Required] public string ModelFile { get; set; } = "";

    [Required] public string WorkDirectory { get; set; } = "";

    /// <summary>The work folder's files, as <see cref="WorkFolder"/> names them.</summary>
    protected WorkFolder Work => new(WorkDirectory);
}

using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>What to do about Google's edgetpu_compiler: use it when found, insist on it, or skip it.</summary>
public enum EdgeTpuMode
{
    Auto,
    Required,
    Off,
}

public static class EdgeTpuModes
{
    public static EdgeTpuMode Parse(string? text, string? file) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "auto" => EdgeTpuMode.Auto,
        "required" => EdgeTpuMode.Required,
        "off" or "false" => EdgeTpuMode.Off,
        _ => throw new ModelBuildException("MB4005", file, $"EdgeTpu='{text}' is not known; use Auto (default), Required or Off."),
    };
}

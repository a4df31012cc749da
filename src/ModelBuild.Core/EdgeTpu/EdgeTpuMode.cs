using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>What to do about the Edge TPU compiler: use it when found (Auto), insist on it (Required), or skip it (Off).</summary>
public enum EdgeTpuMode
{
    Auto,
    Required,
    Off,
}

public static class EdgeTpuModes
{
    /// <summary>Parses the <c>EdgeTpu</c> metadata value (case-insensitive; empty means Auto).</summary>
    public static EdgeTpuMode Parse(string? value, string? file = null)
    {
        if (string.IsNullOrWhiteSpace(value)) return EdgeTpuMode.Auto;
        return Enum.TryParse<EdgeTpuMode>(value.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new ModelBuildException(EdgeTpuCodes.InvalidMode, file, $"EdgeTpu=\"{value}\" is not a valid value; use Auto, Required or Off.");
    }
}

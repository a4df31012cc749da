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
    /// <summary>
    /// Parses the <c>EdgeTpu</c> metadata value: a name (Auto, Required, Off; case-insensitive, surrounding blanks
    /// ignored), empty meaning Auto. Numbers ("1") and combinations ("Auto, Off") are not names: MB4005.
    /// </summary>
    public static EdgeTpuMode Parse(string? value, string? file = null)
    {
        if (string.IsNullOrWhiteSpace(value)) return EdgeTpuMode.Auto;
        var name = value.Trim();
        foreach (var mode in Enum.GetValues<EdgeTpuMode>())
            if (string.Equals(name, mode.ToString(), StringComparison.OrdinalIgnoreCase)) return mode;
        throw new ModelBuildException(EdgeTpuCodes.InvalidMode, file,
            $"EdgeTpu=\"{value}\" is not a valid value; use {string.Join(", ", Enum.GetNames<EdgeTpuMode>())} (case-insensitive), or leave it empty for Auto.");
    }
}

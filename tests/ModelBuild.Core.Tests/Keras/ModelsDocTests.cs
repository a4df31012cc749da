using ModelBuild.Core.Keras;
using ModelBuild.Core.Synthesis;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>docs/MODELS.md names every family the synthesizer writes and every layer the converter reads.</summary>
[TestClass]
public sealed class ModelsDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "MODELS.md"));

    [TestMethod]
    public void Every_synthesized_family_is_in_the_families_table()
    {
        foreach (var family in Enum.GetNames<SynthArchitecture>())
            StringAssert.Contains(Doc, family, $"docs/MODELS.md lacks {family}");
    }

    [TestMethod]
    public void Every_supported_layer_is_in_the_layer_table()
    {
        foreach (var entry in LayerConverter.SupportedLayers)
        {
            var name = entry.Split(" (")[0];
            // A class name appears in backticks; a described group ("Keras 3 operations") as its words.
            var expected = name.Contains(' ') ? name : $"`{name}`";
            StringAssert.Contains(Doc, expected, $"docs/MODELS.md lacks the layer {expected} ({entry})");
        }
    }
}

using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis;

[TestClass]
public sealed class SynthesizerErrorTests
{
    private static readonly SynthOptions Tiny = new() { InputSize = 32, Classes = 10, CalibrationSize = 32, CalibrationImages = 1 };

    [TestMethod]
    public void An_unwritable_output_is_MB5060_naming_the_file_and_leaves_nothing_behind()
    {
        var dir = RepoPaths.NewScratchDirectory("synth-errors");
        try
        {
            var blocker = Path.Combine(dir, "not-a-folder");
            File.WriteAllText(blocker, "a file where the output folder should be");
            var target = Path.Combine(blocker, "model.h5");

            var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelSynthesizer.Write(target, SynthArchitecture.MobileNetV2, 1, Tiny));

            Assert.AreEqual("MB5060", e.Code);
            Assert.AreEqual(target, e.File);
            StringAssert.Contains(e.ToString(), "MB5060: model.h5: the synthesized model 'mobilenetv2_1.00_32' could not be written");
            CollectionAssert.AreEqual(new[] { blocker }, Directory.GetFileSystemEntries(dir));
        }
        finally
        {
            ResidualArtifacts.DeleteScratch(dir);
        }
    }

    [TestMethod]
    public void Sizes_keras_applications_cannot_build_are_refused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KerasModelSynthesizer.Write("never.h5", SynthArchitecture.ResNet50, 1, Tiny with { InputSize = 31 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KerasModelSynthesizer.Write("never.h5", SynthArchitecture.ResNet50, 1, Tiny with { Classes = 0 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KerasModelSynthesizer.Write("never.h5", (SynthArchitecture)42, 1, Tiny));
        Assert.IsFalse(File.Exists("never.h5"));
    }
}

using ModelBuild.Core.Pipeline;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Pipeline;

/// <summary>CutModel's graph reaches ConvertInt8 without a second parse — but only while the .h5 is unchanged.</summary>
[TestClass]
public sealed class ModelGraphHandoffTests
{
    private static string CopyOfSmallModel()
    {
        var dir = RepoPaths.NewScratchDirectory("handoff");
        var path = Path.Combine(dir, "model.h5");
        File.Copy(RepoPaths.KerasModel("08_keras3.11.3_mnist_cnn_dropout.h5"), path);
        return path;
    }

    [TestMethod]
    public void An_offered_graph_is_taken_once_by_the_next_read()
    {
        var path = CopyOfSmallModel();
        var first = ModelGraphHandoff.Read(path);
        ModelGraphHandoff.Offer(path, first);
        Assert.AreSame(first, ModelGraphHandoff.Read(path), "the next step gets the graph already read");
        Assert.AreNotSame(first, ModelGraphHandoff.Read(path), "taken: a later read parses the file again");
    }

    [TestMethod]
    public void A_changed_file_is_read_again()
    {
        var path = CopyOfSmallModel();
        var first = ModelGraphHandoff.Read(path);
        ModelGraphHandoff.Offer(path, first);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(-10));
        var second = ModelGraphHandoff.Read(path);
        Assert.AreNotSame(first, second);
        Assert.AreEqual(first.Nodes.Count, second.Nodes.Count);
    }
}

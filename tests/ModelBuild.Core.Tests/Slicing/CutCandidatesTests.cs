using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Tests.Slicing;

[TestClass]
public sealed class CutCandidatesTests
{
    [TestMethod]
    public void Only_tensors_that_alone_cross_to_the_rest_are_candidates()
    {
        // stem → block1 (ADD reads stem and block1_conv) → block2 → pool → logits → probs
        var names = CutCandidates.Find(ResidualTestGraphs.ResidualBlock()).Select(c => c.Tensor.Name).ToArray();
        CollectionAssert.AreEqual(new[] { "stem", "block1_out", "block2_out" }, names, "block1_conv is not alone: the ADD also reads stem");
    }

    [TestMethod]
    public void Tensors_that_are_not_4D_and_the_model_output_are_not_candidates()
    {
        var candidates = CutCandidates.Find(ResidualTestGraphs.ResidualBlock());
        Assert.IsTrue(candidates.All(c => c.Tensor.Rank == 4), "pool [1, 8] and logits [1, 10] are 2-D");
        Assert.IsFalse(candidates.Any(c => c.Tensor.Name == "probs"));
    }

    [TestMethod]
    public void A_name_pattern_keeps_only_matching_tensors()
    {
        var candidates = CutCandidates.Find(ResidualTestGraphs.ResidualBlock(), "_out$");

        CollectionAssert.AreEqual(new[] { "block1_out", "block2_out" }, candidates.Select(c => c.Tensor.Name).ToArray());
    }

    [TestMethod]
    public void Names_ending_in_out_are_block_boundaries_and_others_are_not()
    {
        var candidates = CutCandidates.Find(ResidualTestGraphs.ResidualBlock());

        Assert.IsTrue(candidates.Where(c => c.Tensor.Name.EndsWith("_out", StringComparison.Ordinal)).All(c => c.IsBlockBoundary));
        Assert.IsFalse(candidates.Single(c => c.Tensor.Name == "stem").IsBlockBoundary);
    }

    [TestMethod]
    public void Candidates_carry_the_index_of_the_node_producing_them()
    {
        var graph = ResidualTestGraphs.ResidualBlock();
        foreach (var c in CutCandidates.Find(graph))
            Assert.AreSame(c.Tensor, graph.Nodes[c.NodeIndex].Outputs[0], c.Tensor.Name);
    }
}

using ModelBuild.Core.Graph;
using ModelBuild.Core.Graph.Rewrites;

namespace ModelBuild.Core.Tests.Graph.Rewrites;

/// <summary>A RELU, RELU6 or RELU_N1_TO_1 after an op with a fused-activation field becomes that field, under the activation's tensor.</summary>
[TestClass]
public sealed class ActivationFusionTests
{
    private static (ModelGraph Graph, Tensor Conv, Tensor Act) ConvThen(OpType activation, bool convAlsoAnOutput = false)
    {
        var x = new Tensor("x", [1, 4, 4, 2]);
        var conv = new Tensor("conv", [1, 4, 4, 3]);
        var act = new Tensor("block_out", [1, 4, 4, 3]);
        var w = new Tensor("conv/w", [3, 1, 1, 2], DataType.Float32, new float[6]);
        var nodes = new List<Node>
        {
            new("conv", OpType.Conv2D, [x, w, null], [conv], new Conv2DOptions(Padding.Same, 1, 1, 1, 1, FusedActivation.None)),
            new("act", activation, [conv], [act]),
        };
        return (new ModelGraph("g", [x], convAlsoAnOutput ? [act, conv] : [act], nodes), conv, act);
    }

    [TestMethod]
    [DataRow(OpType.Relu, FusedActivation.Relu)]
    [DataRow(OpType.Relu6, FusedActivation.Relu6)]
    [DataRow(OpType.ReluN1To1, FusedActivation.ReluN1To1)]
    public void A_relu_after_a_conv_is_fused_and_the_conv_produces_the_activations_tensor(OpType activation, FusedActivation fused)
    {
        var (g, _, act) = ConvThen(activation);
        ActivationFusion.Apply(g);
        var node = g.Nodes.Single();
        Assert.AreEqual(fused, ((Conv2DOptions)node.Options!).Activation);
        Assert.AreSame(act, node.Outputs[0], "the name block_out survives for the cut planner");
    }

    [TestMethod]
    public void No_fusion_when_the_pre_activation_tensor_is_also_a_model_output()
    {
        var (g, _, _) = ConvThen(OpType.Relu, convAlsoAnOutput: true);
        ActivationFusion.Apply(g);
        Assert.HasCount(2, g.Nodes);
    }

    [TestMethod]
    public void Logistic_is_not_fused()
    {
        var (g, _, _) = ConvThen(OpType.Logistic);
        ActivationFusion.Apply(g);
        Assert.HasCount(2, g.Nodes);
        Assert.AreEqual(FusedActivation.None, ((Conv2DOptions)g.Nodes[0].Options!).Activation);
    }

    [TestMethod]
    public void A_second_activation_is_not_fused_into_an_op_that_already_has_one()
    {
        var (g, conv, act) = ConvThen(OpType.Relu);
        ActivationFusion.Apply(g);
        var six = new Tensor("six", act.Shape);
        g.Nodes.Add(new Node("relu6", OpType.Relu6, [act], [six]));
        g.Outputs[0] = six;
        ActivationFusion.Apply(g);
        Assert.HasCount(2, g.Nodes, "RELU then RELU6 keeps the RELU6 as its own op");
    }
}

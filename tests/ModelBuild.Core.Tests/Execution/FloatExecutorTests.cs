using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>Whole-graph behaviour of the float executor: multi-node graphs, observers, batches, memory, errors.</summary>
[TestClass]
public sealed class FloatExecutorTests
{
    /// <summary>x → conv 3x3 relu → conv 1x1 → add(x) → relu → mean(HW) → fully connected: a residual block with a head.</summary>
    private static (ModelGraph Graph, Func<Nd, float[]> Reference) ResidualNet()
    {
        var r = new Random(21);
        var w1 = RandomNd(r, [8, 3, 3, 8], 0.3f);
        var b1 = Random(r, 8, 0.1f);
        var w2 = RandomNd(r, [8, 1, 1, 8], 0.3f);
        var wf = RandomNd(r, [5, 8], 0.5f);
        var bf = Random(r, 5, 0.1f);

        var x = new Tensor("input", [1, 9, 7, 8]);
        var c1 = new Tensor("c1", [1, 9, 7, 8]);
        var c2 = new Tensor("c2", [1, 9, 7, 8]);
        var sum = new Tensor("sum", [1, 9, 7, 8]);
        var act = new Tensor("act", [1, 9, 7, 8]);
        var pooled = new Tensor("pooled", [1, 8]);
        var logits = new Tensor("logits", [1, 5]);
        var nodes = new List<Node>
        {
            new("c1", OpType.Conv2D, [x, Constant("w1", w1.Shape, w1.Data), Constant("b1", [8], b1)], [c1], new Conv2DOptions(Padding.Same, 1, 1, Activation: FusedActivation.Relu)),
            new("c2", OpType.Conv2D, [c1, Constant("w2", w2.Shape, w2.Data), null], [c2], new Conv2DOptions(Padding.Same, 1, 1)),
            new("sum", OpType.Add, [c2, x], [sum], new ElementwiseOptions()),
            new("act", OpType.Relu, [sum], [act]),
            new("pooled", OpType.Mean, [act, Int32Constant("axes", 1, 2)], [pooled], new ReducerOptions(false)),
            new("logits", OpType.FullyConnected, [pooled, Constant("wf", wf.Shape, wf.Data), Constant("bf", [5], bf)], [logits], new FullyConnectedOptions()),
        };
        var g = new ModelGraph("residual", [x], [logits], nodes);

        float[] Reference(Nd input)
        {
            var a = FloatNaiveReference.Conv2D(input, w1, b1, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu);
            var b = FloatNaiveReference.Conv2D(a, w2, null, 1, 1, 1, 1, Padding.Same, FusedActivation.None);
            var s = FloatNaiveReference.Binary(OpType.Add, b, input, FusedActivation.Relu);
            var m = FloatNaiveReference.Reduce(false, s, [1, 2], false);
            return FloatNaiveReference.FullyConnected(m, wf, bf, FusedActivation.None).Data;
        }

        return (g, Reference);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void Residual_graph_matches_the_naive_chain(int batch)
    {
        var (g, reference) = ResidualNet();
        var x = RandomNd(new Random(batch), [batch, 9, 7, 8]);
        AssertClose(reference(x), new FloatExecutor(g).Run(x.Data, batch), "residual net");
    }

    [TestMethod]
    public void Batch_of_three_equals_three_single_runs()
    {
        var (g, _) = ResidualNet();
        var exec = new FloatExecutor(g);
        var x = Random(new Random(2), 3 * 9 * 7 * 8);
        var together = exec.Run(x, 3);
        var apart = Enumerable.Range(0, 3).SelectMany(i => exec.Run(x[(i * 504)..((i + 1) * 504)])).ToArray();
        AssertClose(apart, together, "batch 3 vs 3 × batch 1");
    }

    private sealed class RecordingObserver : ITensorObserver
    {
        public List<(string Name, float[] Values, int Batch)> Seen { get; } = [];

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch) => Seen.Add((tensor.Name, values.ToArray(), batch));
    }

    [TestMethod]
    public void A_fused_chain_is_still_observed_and_the_fused_run_gives_the_observed_run_s_bits()
    {
        // 64×64×64 floats: large enough that an unobserved run fuses the expansion with its depthwise layer.
        var g = ModelBuild.Core.Tests.Execution.Float.DepthwiseBandKernelTests.Block(64, 64, 16, 64, project: true, midIsOutput: false);
        var exec = new FloatExecutor(g);
        var x = Random(new Random(4), 2 * 64 * 64 * 16);
        Assert.AreEqual(3, g.Nodes.Count);
        var fused = exec.Run(x, 2);
        var observer = new RecordingObserver();
        var observed = exec.Run(new Dictionary<Tensor, float[]> { [g.Inputs[0]] = x }, 2, observer)[g.Outputs[0]];

        CollectionAssert.AreEqual(new[] { "x", "mid", "y", "z" }, observer.Seen.Select(s => s.Name).ToArray());
        Assert.HasCount(2 * 64 * 64 * 64, observer.Seen[1].Values);
        CollectionAssert.AreEqual(observed, fused);
        CollectionAssert.AreEqual(fused, exec.Run(x, 2), "a second fused run reuses its buffers");
    }

    [TestMethod]
    public void Observer_sees_the_input_and_every_node_output_in_order_with_their_values()
    {
        var (g, _) = ResidualNet();
        var x = RandomNd(new Random(3), [2, 9, 7, 8]);
        var observer = new RecordingObserver();
        var outputs = new FloatExecutor(g).Run(new Dictionary<Tensor, float[]> { [g.Inputs[0]] = x.Data }, 2, observer);

        CollectionAssert.AreEqual(new[] { "input", "c1", "c2", "sum", "act", "pooled", "logits" }, observer.Seen.Select(s => s.Name).ToArray());
        Assert.IsTrue(observer.Seen.All(s => s.Batch == 2), "every observation carries the batch");
        CollectionAssert.AreEqual(x.Data, observer.Seen[0].Values);
        Assert.HasCount(2 * 9 * 7 * 8, observer.Seen[1].Values);
        Assert.IsTrue(observer.Seen[1].Values.All(v => v >= 0), "c1 is seen after its fused relu");
        CollectionAssert.AreEqual(outputs[g.Outputs[0]], observer.Seen[^1].Values);
    }

    [TestMethod]
    [DoNotParallelize] // measures the whole process's heap
    public void Repeated_runs_give_identical_results_and_do_not_grow_memory()
    {
        var (g, _) = ResidualNet();
        var exec = new FloatExecutor(g);
        var x = Random(new Random(4), 2 * 504);
        var first = exec.Run(x, 2);
        for (int i = 0; i < 20; i++) exec.Run(x, 2);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        float[] last = first;
        for (int i = 0; i < 200; i++) last = exec.Run(x, 2);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        CollectionAssert.AreEqual(first, last, "runs are deterministic");
        Assert.IsLessThan(256 * 1024, after - before, $"retained memory grew by {after - before} bytes over 200 runs");
    }

    [TestMethod]
    public void Returned_outputs_are_not_overwritten_by_later_runs()
    {
        var (g, _) = ResidualNet();
        var exec = new FloatExecutor(g);
        var a = exec.Run(Random(new Random(5), 504));
        var copy = (float[])a.Clone();
        exec.Run(Random(new Random(6), 504));
        CollectionAssert.AreEqual(copy, a);
    }

    [TestMethod]
    public void Two_inputs_and_two_outputs_run_through_the_dictionary_overload()
    {
        var a = new Tensor("a", [1, 2, 2, 3]);
        var b = new Tensor("b", [1, 2, 2, 3]);
        var s = new Tensor("s", [1, 2, 2, 3]);
        var m = new Tensor("m", [1, 2, 2, 3]);
        var g = new ModelGraph("two", [a, b], [s, m],
            [new Node("s", OpType.Add, [a, b], [s], new ElementwiseOptions()), new Node("m", OpType.Mul, [s, b], [m], new ElementwiseOptions())]);
        var va = Random(new Random(1), 12);
        var vb = Random(new Random(2), 12);
        var result = new FloatExecutor(g).Run(new Dictionary<Tensor, float[]> { [a] = va, [b] = vb });

        CollectionAssert.AreEqual(va.Zip(vb, (p, q) => p + q).ToArray(), result[s]);
        CollectionAssert.AreEqual(va.Zip(vb, (p, q) => (p + q) * q).ToArray(), result[m]);
        Assert.ThrowsExactly<InvalidOperationException>(() => new FloatExecutor(g).Run(va));
    }

    [TestMethod]
    public void Wrong_input_length_is_an_argument_error_naming_the_input()
    {
        var (g, _) = ResidualNet();
        var e = Assert.ThrowsExactly<ArgumentException>(() => new FloatExecutor(g).Run(new float[100]));
        StringAssert.Contains(e.Message, "input");
        StringAssert.Contains(e.Message, "504");
    }

    [TestMethod]
    public void Quantize_is_not_a_float_op()
    {
        var g = OneOp(OpType.Quantize, [[1, 4]], [], [1, 4]);
        g.Outputs[0].Type = DataType.Int8;
        Assert.ThrowsExactly<NotSupportedException>(() => new FloatExecutor(g).Run(new float[4]));
    }
}

using System.Text;
using System.Text.Json;
using ModelBuild.Cli;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary><c>modelbuild edgetpu-check</c>, called in-process on the real models of ../shared/models/edgetpu.</summary>
[TestClass]
public sealed class EdgeTpuCheckCommandTests
{
    private static string Shared(string file) => Path.Combine(RepoPaths.EdgeTpuCompilations, file);

    private static JsonElement RunJson(string path)
    {
        var output = new StringWriter();
        Assert.AreEqual(0, EdgeTpuCheckCommand.Run([path, "--json"], output));
        return JsonDocument.Parse(output.ToString()).RootElement;
    }

    private static Dictionary<string, int> CpuOperators(JsonElement json) =>
        json.GetProperty("cpuOperators").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    [TestMethod]
    public void Json_of_a_fully_mapped_model_has_an_empty_cpuOperators_and_every_parameter_byte_on_chip()
    {
        var path = Shared("S16_mobilenet_v1_025_128.tflite");
        var json = RunJson(path);

        Assert.AreEqual(JsonValueKind.Object, json.GetProperty("cpuOperators").ValueKind);
        Assert.AreEqual(0, CpuOperators(json).Count);
        // Every constant of this model belongs to an operator on the Edge TPU: the estimate is all its distinct constant buffers.
        var model = TfLiteFlatModel.ReadFile(path);
        long constants = model.Subgraphs[0].Tensors.Select(t => t.Buffer).Distinct().Where(b => b != 0).Sum(b => (long)model.Buffers[(int)b].Count);
        Assert.AreEqual(constants, json.GetProperty("onChipParameterBytes").GetInt64());
        Assert.AreEqual(31, json.GetProperty("operations").GetInt32());
    }

    [TestMethod]
    public void Json_counts_the_operators_left_on_the_cpu_by_builtin_name()
    {
        var deeplab = CpuOperators(RunJson(Shared("S11_deeplabv3_mnv2_dm05.tflite")));
        var lenet = CpuOperators(RunJson(Shared("S04_jh_lenet.tflite")));

        CollectionAssert.AreEquivalent(new Dictionary<string, int> { ["ARG_MAX"] = 1, ["CONCATENATION"] = 1, ["CONV_2D"] = 2, ["QUANTIZE"] = 1, ["RESIZE_BILINEAR"] = 3 }, deeplab);
        CollectionAssert.AreEquivalent(new Dictionary<string, int> { ["DEQUANTIZE"] = 1, ["QUANTIZE"] = 1 }, lenet);
    }

    [TestMethod]
    public void Json_names_a_custom_operator_by_its_custom_code()
    {
        // A real compiled model whose custom operator is renamed (same length): no longer Edge TPU code, so it runs on the CPU.
        var bytes = File.ReadAllBytes(Shared("S16_mobilenet_v1_025_128_edgetpu.tflite"));
        var from = Encoding.ASCII.GetBytes("edgetpu-custom-op");
        var to = Encoding.ASCII.GetBytes("my-postprocess-op");
        int at = bytes.AsSpan().IndexOf(from);
        Assert.IsGreaterThanOrEqualTo(0, at);
        to.CopyTo(bytes, at);
        var path = Path.Combine(RepoPaths.NewScratchDirectory("edgetpu-check"), "renamed_custom.tflite");
        File.WriteAllBytes(path, bytes);

        var json = RunJson(path);

        CollectionAssert.AreEquivalent(new Dictionary<string, int> { ["my-postprocess-op"] = 1 }, CpuOperators(json));
        Assert.AreEqual(0, json.GetProperty("operationsOnEdgeTpu").GetInt32());
    }

    [TestMethod]
    public void Text_output_lists_the_cpu_operators_and_the_reason()
    {
        var output = new StringWriter();
        EdgeTpuCheckCommand.Run([Shared("S11_deeplabv3_mnv2_dm05.tflite")], output);
        var text = output.ToString();

        StringAssert.Contains(text, "64 of 72 operations on the Edge TPU, 8 on the CPU");
        StringAssert.Contains(text, "CPU: RESIZE_BILINEAR × 3");
        StringAssert.Contains(text, "1x1 input");
    }

    [TestMethod]
    public void A_file_that_is_not_tflite_fails_with_MB4023_naming_it()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => EdgeTpuCheckCommand.Run([Shared("S01_octo_fc_mnist_edgetpu.log")], new StringWriter()));

        Assert.AreEqual("MB4023", e.Code);
        StringAssert.EndsWith(e.File, "S01_octo_fc_mnist_edgetpu.log");
    }

    [TestMethod]
    public void An_unknown_flag_is_a_usage_error()
    {
        Assert.ThrowsExactly<UsageException>(() => EdgeTpuCheckCommand.Run([Shared("S16_mobilenet_v1_025_128.tflite"), "--yaml"], new StringWriter()));
    }
}

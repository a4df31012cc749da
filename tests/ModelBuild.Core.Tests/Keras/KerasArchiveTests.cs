using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Pipeline;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasArchiveTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// A `.keras` file is told from an `.h5` by its first bytes, and every kind of broken archive gives its own MB10xx
/// error through the build's first step, with nothing written (no plan, nothing extracted beside the file).
/// </summary>
[TestClass]
public sealed class KerasArchiveTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("keras-archive");

    private static string Config() => Functional("tiny", "input_layer", "dense",
        InputLayer("input_layer", null, 4),
        Layer("Dense", "dense", Cfg(("units", 3), ("activation", "linear"), ("use_bias", true)), "input_layer")).ToJsonString();

    private static byte[] Weights() => WeightsFile([("layers/dense/vars", [Random(1, 4, 3), Random(2, 3)])]);

    /// <summary>Runs the build's first step on <paramref name="model"/> (alone in its own folder) and expects <paramref name="code"/>.</summary>
    private static ModelBuildException CutFails(string model, string code)
    {
        var work = Path.Combine(Path.GetDirectoryName(model)!, "obj");
        Directory.CreateDirectory(work);
        var e = Assert.ThrowsExactly<ModelBuildException>(() =>
            CutStep.Run(new ModelBuildSettings { ModelFile = model }, new WorkFolder(work), new RecordingBuildLog()));
        Assert.AreEqual(code, e.Code, e.ToString());
        Assert.AreEqual(model, e.File);
        Assert.IsEmpty(Directory.GetFileSystemEntries(work), "nothing written");
        CollectionAssert.AreEquivalent(new[] { model, work }, Directory.GetFileSystemEntries(Path.GetDirectoryName(model)!), "nothing extracted");
        return e;
    }

    private static string NewModelPath(string name)
    {
        var dir = Path.Combine(_dir, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    [TestMethod]
    public void The_valid_baseline_archive_reads()
    {
        var graph = KerasModelReader.Read(WriteArchive(NewModelPath("ok.keras"), Config(), Weights()));
        CollectionAssert.AreEqual(new[] { 1, 3 }, graph.Outputs[0].Shape);
    }

    [TestMethod]
    public void An_archive_without_config_json_is_MB1010()
    {
        var e = CutFails(WriteArchive(NewModelPath("no_config.keras"), null, Weights()), "MB1010");
        StringAssert.Contains(e.Message, "without 'config.json'");
        StringAssert.Contains(e.Message, "model.weights.h5");
    }

    [TestMethod]
    public void An_archive_without_weights_is_MB1010()
    {
        var e = CutFails(WriteArchive(NewModelPath("no_weights.keras"), Config(), null), "MB1010");
        StringAssert.Contains(e.Message, "without 'model.weights.h5'");
    }

    [TestMethod]
    public void A_truncated_archive_is_MB1011()
    {
        var whole = File.ReadAllBytes(WriteArchive(NewModelPath("whole.keras"), Config(), Weights()));
        var path = NewModelPath("truncated.keras");
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        CutFails(path, "MB1011");
    }

    [TestMethod]
    public void A_zip_bomb_is_MB1012_without_inflating_it()
    {
        var path = WriteArchive(NewModelPath("bomb.keras"), Config(), new byte[80 << 20], CompressionLevel.Optimal);
        Assert.IsLessThan(1 << 20, new FileInfo(path).Length, "80 MiB of zeros compress to well under 1 MiB");
        var e = CutFails(path, "MB1012");
        StringAssert.Contains(e.Message, "zip bomb");
    }

    [TestMethod]
    public void An_entry_declaring_more_than_the_file_can_hold_is_MB1012()
    {
        var path = WriteArchive(NewModelPath("absurd.keras"), Config(), Weights());
        var bytes = File.ReadAllBytes(path);
        SetDeclaredSize(bytes, "model.weights.h5", 0xFFFFFFF0u);
        File.WriteAllBytes(path, bytes);
        var e = CutFails(path, "MB1012");
        StringAssert.Contains(e.Message, "model.weights.h5");
    }

    [TestMethod]
    public void A_weights_entry_that_is_not_hdf5_is_MB1013()
    {
        var e = CutFails(WriteArchive(NewModelPath("garbage.keras"), Config(), Encoding.UTF8.GetBytes(new string('x', 4000))), "MB1013");
        StringAssert.Contains(e.Message, "model.weights.h5 is damaged");
    }

    [TestMethod]
    public void A_truncated_weights_entry_is_MB1013()
    {
        var weights = Weights();
        var e = CutFails(WriteArchive(NewModelPath("cut_weights.keras"), Config(), weights[..(weights.Length * 2 / 3)]), "MB1013");
        StringAssert.Contains(e.Message, "HDF5 header says");
    }

    [TestMethod]
    public void A_flipped_byte_in_the_stored_weights_is_MB1013_by_its_CRC()
    {
        var path = WriteArchive(NewModelPath("flipped.keras"), Config(), Weights());
        var bytes = File.ReadAllBytes(path);
        bytes[WeightsDataStart(bytes) + 10] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = CutFails(path, "MB1013");
        StringAssert.Contains(e.Message, "CRC-32");
    }

    [TestMethod]
    public void A_config_that_is_not_json_is_MB1009()
    {
        CutFails(WriteArchive(NewModelPath("bad_json.keras"), "{ not json", Weights()), "MB1009");
    }

    [TestMethod]
    public void A_Keras3_weights_only_file_is_MB1014()
    {
        var path = NewModelPath("model.weights.h5");
        File.WriteAllBytes(path, Weights());
        var e = CutFails(path, "MB1014");
        StringAssert.Contains(e.Message, "weights-only");
        StringAssert.Contains(e.Message, "model.save(\"model.keras\")");
    }

    [TestMethod]
    public void An_hdf5_model_named_keras_reads_as_the_h5()
    {
        var h5 = RepoPaths.KerasModel("03_mlperf_tiny_resnet8_cifar10_k2.4.h5");
        var renamed = NewModelPath("resnet8.keras");
        File.Copy(h5, renamed);

        var expected = KerasModelReader.Read(h5);
        var actual = KerasModelReader.Read(renamed);

        var input = ReferenceInput.For(expected.Inputs[0].Shape);
        CollectionAssert.AreEqual(new FloatExecutor(expected).Run(input), new FloatExecutor(actual).Run(input));
        Assert.HasCount(expected.Nodes.Count, actual.Nodes);
    }

    [TestMethod]
    public void A_keras_archive_named_h5_reads_as_the_archive()
    {
        var archive = WriteArchive(NewModelPath("tiny.keras"), Config(), Weights());
        var renamed = NewModelPath("tiny.h5");
        File.Copy(archive, renamed);

        var input = new float[] { 1, 2, 3, 4 };
        CollectionAssert.AreEqual(new FloatExecutor(KerasModelReader.Read(archive)).Run(input), new FloatExecutor(KerasModelReader.Read(renamed)).Run(input));
    }

    /// <summary>Where the (stored) bytes of model.weights.h5 begin: after its local header, name and extra field.</summary>
    private static int WeightsDataStart(byte[] zip)
    {
        var name = Encoding.ASCII.GetBytes("model.weights.h5");
        for (int i = 0; i + 30 <= zip.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) != 0x04034b50) continue;
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 26));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 28));
            if (zip.AsSpan(i + 30, nameLength).SequenceEqual(name)) return i + 30 + nameLength + extraLength;
        }

        Assert.Fail("no local header for model.weights.h5");
        return -1;
    }

    /// <summary>Rewrites the uncompressed size of <paramref name="entry"/> in the zip's central directory.</summary>
    private static void SetDeclaredSize(byte[] zip, string entry, uint size)
    {
        var name = Encoding.ASCII.GetBytes(entry);
        for (int i = 0; i + 46 <= zip.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) != 0x02014b50) continue;
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 28));
            if (!zip.AsSpan(i + 46, nameLength).SequenceEqual(name)) continue;
            BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
            return;
        }

        Assert.Fail($"no central directory record for {entry}");
    }
}

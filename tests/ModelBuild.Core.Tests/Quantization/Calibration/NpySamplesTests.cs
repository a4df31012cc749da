using System.IO.Compression;
using System.Text;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

/// <summary>NumPy files written byte by byte as numpy.save writes them (format 1.0), read back as samples.</summary>
[TestClass]
public sealed class NpySamplesTests
{
    /// <summary>A .npy file: magic, version 1.0, a header padded with spaces to a multiple of 64 bytes, then the data.</summary>
    private static byte[] Npy(string descr, int[] shape, byte[] data, bool fortran = false)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': ({dims}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.AddRange([1, 0]);
        bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return [.. bytes];
    }

    private static byte[] Floats(params float[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();

    private static string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(RepoPaths.NewScratchDirectory("npy"), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [TestMethod]
    public void A_float32_batch_gives_one_sample_per_leading_index()
    {
        var path = Write("batch.npy", Npy("<f4", [2, 1, 2, 1], Floats(1f, 2f, 3f, 4f)));

        var samples = NpySamples.Load(path, [1, 2, 1]).ToList();

        Assert.HasCount(2, samples);
        CollectionAssert.AreEqual(new[] { 1f, 2f }, samples[0]);
        CollectionAssert.AreEqual(new[] { 3f, 4f }, samples[1]);
    }

    [TestMethod]
    public void A_single_sample_without_a_batch_dimension_is_one_sample()
    {
        var path = Write("one.npy", Npy("<f4", [1, 2, 1], Floats(5f, 6f)));

        CollectionAssert.AreEqual(new[] { 5f, 6f }, NpySamples.Load(path, [1, 2, 1]).Single());
    }

    [TestMethod]
    public void Float64_values_are_narrowed_to_float32()
    {
        var path = Write("f8.npy", Npy("<f8", [1, 2, 1], new[] { 0.25, -1.5 }.SelectMany(BitConverter.GetBytes).ToArray()));

        CollectionAssert.AreEqual(new[] { 0.25f, -1.5f }, NpySamples.Load(path, [1, 2, 1]).Single());
    }

    [TestMethod]
    public void Uint8_values_are_read_as_0_to_255()
    {
        var path = Write("u1.npy", Npy("|u1", [1, 2, 1], [0, 255]));

        CollectionAssert.AreEqual(new[] { 0f, 255f }, NpySamples.Load(path, [1, 2, 1]).Single());
    }

    [TestMethod]
    public void An_npz_archive_yields_its_arrays_in_entry_name_order()
    {
        var path = Path.Combine(RepoPaths.NewScratchDirectory("npz"), "samples.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (name, value) in new[] { ("b.npy", 2f), ("a.npy", 1f) })
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(Npy("<f4", [1, 1, 1], Floats(value)));
            }
        }

        CollectionAssert.AreEqual(new[] { 1f, 2f }, NpySamples.Load(path, [1, 1, 1]).Select(x => x[0]).ToArray());
    }

    [TestMethod]
    public void An_array_of_another_shape_is_MB3053_naming_both_shapes()
    {
        var path = Write("shape.npy", Npy("<f4", [2, 2, 1], Floats(1f, 2f, 3f, 4f)));

        var e = Assert.ThrowsExactly<ModelBuildException>(() => NpySamples.Load(path, [1, 2, 3]).ToList());

        Assert.AreEqual("MB3053", e.Code);
        StringAssert.Contains(e.Message, "(2, 2, 1)");
        StringAssert.Contains(e.Message, "(N, 1, 2, 3)");
    }

    [TestMethod]
    public void A_file_without_the_numpy_magic_is_MB3052()
    {
        var path = Write("text.npy", Encoding.ASCII.GetBytes("not a numpy array at all"));

        Assert.AreEqual("MB3052", Assert.ThrowsExactly<ModelBuildException>(() => NpySamples.Load(path, [1]).ToList()).Code);
    }

    [TestMethod]
    public void A_Fortran_ordered_array_is_MB3052()
    {
        var path = Write("fortran.npy", Npy("<f4", [1, 2, 1], Floats(1f, 2f), fortran: true));

        var e = Assert.ThrowsExactly<ModelBuildException>(() => NpySamples.Load(path, [1, 2, 1]).ToList());

        Assert.AreEqual("MB3052", e.Code);
        StringAssert.Contains(e.Message, "Fortran");
    }

    [TestMethod]
    public void An_int32_array_is_MB3052_naming_its_dtype()
    {
        var path = Write("int.npy", Npy("<i4", [1, 1, 1], BitConverter.GetBytes(7)));

        var e = Assert.ThrowsExactly<ModelBuildException>(() => NpySamples.Load(path, [1, 1, 1]).ToList());

        Assert.AreEqual("MB3052", e.Code);
        StringAssert.Contains(e.Message, "'<i4'");
    }
}

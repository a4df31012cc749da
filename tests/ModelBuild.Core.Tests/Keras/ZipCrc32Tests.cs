using System.IO.Compression;
using System.Text;
using ModelBuild.Core.Keras;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>The zip CRC-32 against its published check value and the CRC .NET's zip writer stores.</summary>
[TestClass]
public sealed class ZipCrc32Tests
{
    [TestMethod]
    public void Check_value_of_123456789_is_cbf43926()
    {
        Assert.AreEqual(0xCBF43926u, ZipCrc32.Of(Encoding.ASCII.GetBytes("123456789")));
    }

    [TestMethod]
    public void Empty_input_is_zero()
    {
        Assert.AreEqual(0u, ZipCrc32.Of([]));
    }

    [TestMethod]
    public void Agrees_with_the_crc_a_zip_writer_stores()
    {
        var data = new byte[10_000];
        new Random(7).NextBytes(data);
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = zip.CreateEntry("w.bin").Open())
            entry.Write(data);
        stream.Position = 0;
        using var read = new ZipArchive(stream, ZipArchiveMode.Read);
        Assert.AreEqual(read.GetEntry("w.bin")!.Crc32, ZipCrc32.Of(data));
    }
}

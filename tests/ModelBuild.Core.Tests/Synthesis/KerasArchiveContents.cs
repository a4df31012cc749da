using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>What a Keras 3 .keras archive holds, read with System.IO.Compression and PureHDF: its config and its weights.</summary>
internal static class KerasArchiveContents
{
    public static JsonObject Config(string file) => JsonNode.Parse(Entry(file, "config.json"))!.AsObject();

    public static byte[] Entry(string file, string name)
    {
        using var zip = ZipFile.OpenRead(file);
        using var stream = zip.GetEntry(name)!.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>Every variable under layers/ of model.weights.h5, as model.count_params() counts them.</summary>
    public static long CountParameters(string file)
    {
        using var h5 = H5File.Open(new MemoryStream(Entry(file, "model.weights.h5")));
        long count = 0;
        void Visit(IH5Group group)
        {
            foreach (var child in group.Children())
            {
                if (child is IH5Group g) Visit(g);
                else if (child is IH5Dataset d) count += d.Space.Dimensions.Aggregate(1L, (a, x) => a * (long)x);
            }
        }

        Visit(h5.Group("layers"));
        return count;
    }
}

using System.IO.Compression;
using System.Text;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Synthesis.Layers;
using PureHDF;

namespace ModelBuild.Core.Synthesis;

/// <summary>
/// Writes a synthesized model as Keras 3's <c>model.save("x.keras")</c> does: a zip of metadata.json, config.json and
/// model.weights.h5, in that order, stored uncompressed. The weights file holds, per layer of <c>model.layers</c>
/// (the InputLayer is not one in Keras 3), a group <c>layers/&lt;key&gt;/vars</c> (key: the snake_case class name,
/// numbered per class in layer order) with the layer's name as attribute <c>name</c> and its variables as datasets
/// 0, 1, ... in creation order; and the model's own empty <c>vars</c> group. Entry times and date_saved are fixed
/// (Keras writes the JSON entries with 1980-01-01 and the save time elsewhere), so one seed gives one file.
/// </summary>
internal static class KerasArchiveWriter
{
    public const string KerasVersion = "3.13.2";
    public const string DateSaved = "2026-01-01@00:00:00";

    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Write(string path, SynthModel model)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        AddEntry(zip, "metadata.json", Encoding.UTF8.GetBytes(PythonJson.Serialize(new System.Text.Json.Nodes.JsonObject
        {
            ["keras_version"] = KerasVersion,
            ["date_saved"] = DateSaved,
        })));
        AddEntry(zip, KerasArchive.ConfigEntry, Encoding.UTF8.GetBytes(Keras3ModelConfig.Json(model)));
        AddEntry(zip, KerasArchive.WeightsEntry, Weights(model));
    }

    private static void AddEntry(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        entry.LastWriteTime = EntryTime;
        using var stream = entry.Open();
        stream.Write(bytes);
    }

    private static byte[] Weights(SynthModel model)
    {
        var layers = model.Layers.Where(l => l is not InputLayerSpec).ToList();
        var keys = KerasLayerPath.SavingKeys(layers.Select(l => (l.Name, l.ClassName)));
        var layersGroup = new H5Group();
        foreach (var layer in layers)
        {
            var vars = new H5Group { Attributes = new Dictionary<string, object> { ["name"] = layer.Name } };
            for (int i = 0; i < layer.Weights.Count; i++)
                vars[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = KerasH5Writer.Dataset(layer.Weights[i]);
            layersGroup[keys[layer.Name]] = new H5Group { ["vars"] = vars };
        }

        var h5 = new H5File
        {
            ["layers"] = layersGroup,
            ["vars"] = new H5Group { Attributes = new Dictionary<string, object> { ["name"] = model.Name } },
        };
        using var memory = new MemoryStream();
        h5.Write(memory, new H5WriteOptions(PreferCompactDatasetLayout: false));
        return memory.ToArray();
    }
}

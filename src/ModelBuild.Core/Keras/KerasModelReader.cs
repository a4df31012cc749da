using System.Text.Json;
using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Graph.Rewrites;
using PureHDF;
using PureHDF.VOL.Native;

namespace ModelBuild.Core.Keras;

/// <summary>Reads a Keras model into a float IR graph: a full-model .h5 (Keras 2.x, and Keras 3's legacy .h5) or a Keras 3 .keras archive, told apart by their first bytes.</summary>
public static class KerasModelReader
{
    /// <summary>Reads the model and applies the standard rewrites (BatchNorm folding, activation fusion, identity removal).</summary>
    public static ModelGraph Read(string h5Path)
    {
        var graph = ReadUnoptimized(h5Path);
        RescalingFolding.Apply(graph);
        GraphRewrites.Apply(graph, ownsConstants: true);
        return graph;
    }

    /// <summary>Reads the model exactly as Keras describes it: BatchNorm as MUL+ADD, activations as separate ops.</summary>
    public static ModelGraph ReadUnoptimized(string h5Path)
    {
        if (!File.Exists(h5Path))
            throw new ModelBuildException("MB1001", h5Path, $"the Keras model file does not exist ({Path.GetFullPath(h5Path)}); check the KerasModel item's path.");

        if (KerasFileFormat.IsZip(h5Path)) return KerasArchiveModel.ReadUnoptimized(h5Path);
        CheckNotTruncated(h5Path);
        NativeFile file;
        try
        {
            file = H5File.OpenRead(h5Path);
        }
        catch (Exception e)
        {
            throw new ModelBuildException("MB1002", h5Path,
                $"is not a readable HDF5 file nor a .keras archive ({e.Message.Split('\n')[0]}); it may be truncated or not a Keras model — save the model again with model.save(\"model.keras\") or model.save(\"model.h5\").", e);
        }

        using (file)
        {
            try
            {
                var modelJson = ReadConfig(file, h5Path);
                var weights = new KerasWeightStore(h5Path, file);
                var graph = new KerasGraphBuilder(h5Path, weights, KerasMajorVersion(file)).Build(modelJson);
                graph.SortTopologically();
                return graph;
            }
            catch (ModelBuildException)
            {
                throw;
            }
            catch (Exception e)
            {
                throw new ModelBuildException("MB1002", h5Path,
                    $"could not be read as a Keras model ({e.Message.Split('\n')[0]}); the file may be truncated or damaged — save the model again.", e);
            }
        }
    }

    private static void CheckNotTruncated(string path)
    {
        long actual;
        long? declared;
        try
        {
            using var stream = File.OpenRead(path);
            actual = stream.Length;
            declared = Hdf5Truncation.DeclaredLength(stream);
        }
        catch (IOException e)
        {
            throw new ModelBuildException("MB1002", path, $"could not be opened ({e.Message}).", e);
        }

        if (declared > actual)
            throw new ModelBuildException("MB1002", path,
                $"is truncated: it has {actual} bytes but its HDF5 header says {declared}; the copy or download did not finish — copy the file again or save the model again.");
    }

    /// <summary>The major of the file's `keras_version` attribute ("2.8.0", "3.4.1"); 2 when it is absent or unreadable.</summary>
    private static int KerasMajorVersion(NativeFile file)
    {
        if (!file.AttributeExists("keras_version")) return 2;
        var attribute = file.Attribute("keras_version");
        var text = attribute.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength
            ? attribute.Read<string>()
            : System.Text.Encoding.UTF8.GetString(attribute.Read<byte[]>()).TrimEnd('\0');
        return int.TryParse(text.Split('.')[0], out var major) ? major : 2;
    }

    private static JsonObject ReadConfig(NativeFile file, string path)
    {
        if (!file.AttributeExists("model_config") && file.LinkExists("layers") && file.LinkExists("vars"))
            throw new ModelBuildException("MB1014", path,
                "is a Keras 3 weights-only file (model.save_weights(\"….weights.h5\")): it holds weights but not the model; save the whole model with model.save(\"model.keras\").");
        if (!file.AttributeExists("model_config"))
            throw new ModelBuildException("MB1004", path,
                "is an HDF5 file but has no Keras 'model_config' attribute (a weights-only file from save_weights(), or not Keras); save the whole model with model.save(\"model.h5\").");
        var attribute = file.Attribute("model_config");
        // h5py writes a str as an HDF5 string; a numpy bytes value may arrive as raw bytes instead.
        var text = attribute.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength
            ? attribute.Read<string>()
            : System.Text.Encoding.UTF8.GetString(attribute.Read<byte[]>()).TrimEnd('\0');
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new ModelBuildException("MB1009", path, $"the 'model_config' attribute is not valid JSON ({e.Message}); save the model again.", e);
        }
    }
}

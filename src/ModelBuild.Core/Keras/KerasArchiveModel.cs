using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using PureHDF;
using PureHDF.VOL.Native;

namespace ModelBuild.Core.Keras;

/// <summary>Reads a Keras 3 `.keras` archive into a float IR graph, as Keras describes it (no rewrites).</summary>
internal static class KerasArchiveModel
{
    public static ModelGraph ReadUnoptimized(string path)
    {
        var (config, weightBytes, kerasMajor) = KerasArchive.Read(path);
        var weightStream = new MemoryStream(weightBytes, writable: false);
        var declared = Hdf5Truncation.DeclaredLength(weightStream);
        if (declared is null || declared > weightBytes.Length)
            throw Damaged(path, declared is null ? "it is not an HDF5 file" : $"it has {weightBytes.Length:N0} bytes but its HDF5 header says {declared:N0}");

        NativeFile h5;
        try
        {
            weightStream.Position = 0;
            h5 = H5File.Open(weightStream, leaveOpen: false);
        }
        catch (Exception e)
        {
            throw Damaged(path, e.Message.Split('\n')[0], e);
        }

        using (h5)
        {
            try
            {
                var graph = new KerasGraphBuilder(path, new Keras3WeightStore(path, h5), kerasMajor).Build(config);
                graph.SortTopologically();
                return graph;
            }
            catch (ModelBuildException)
            {
                throw;
            }
            catch (Exception e)
            {
                throw new ModelBuildException("MB1009", path,
                    $"its {KerasArchive.ConfigEntry} could not be read as a Keras model ({e.Message.Split('\n')[0]}); save the model again with model.save(\"model.keras\").", e);
            }
        }
    }

    private static ModelBuildException Damaged(string path, string why, Exception? inner = null) =>
        new(KerasArchive.DamagedWeightsCode, path,
            $"its {KerasArchive.WeightsEntry} is damaged ({why}); copy the file again, or save the model again with model.save(\"model.keras\").", inner);
}

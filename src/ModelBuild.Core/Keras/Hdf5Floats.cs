using PureHDF;

namespace ModelBuild.Core.Keras;

/// <summary>Reads a weight dataset stored as float16, float32 or float64 as float32.</summary>
internal static class Hdf5Floats
{
    public static float[] Read(IH5Dataset dataset)
    {
        var type = dataset.Type;
        if (type.Class == H5DataTypeClass.FloatingPoint && type.Size == 8)
            return dataset.Read<double[]>().Select(d => (float)d).ToArray();
        if (type.Class == H5DataTypeClass.FloatingPoint && type.Size == 2)
            return dataset.Read<Half[]>().Select(h => (float)h).ToArray();
        return dataset.Read<float[]>();
    }
}

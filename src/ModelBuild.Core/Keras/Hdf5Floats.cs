using PureHDF;

namespace ModelBuild.Core.Keras;

/// <summary>Reads a weight dataset stored as float16, float32 or float64 as float32.</summary>
internal static class Hdf5Floats
{
    public static float[] Read(IH5Dataset dataset)
    {
        var type = dataset.Type;
        if (type.Class == H5DataTypeClass.FloatingPoint && type.Size == 8)
        {
            var d = dataset.Read<double[]>();
            var f = new float[d.Length];
            for (int i = 0; i < d.Length; i++) f[i] = (float)d[i];
            return f;
        }

        if (type.Class == H5DataTypeClass.FloatingPoint && type.Size == 2)
        {
            var h = dataset.Read<Half[]>();
            var f = new float[h.Length];
            for (int i = 0; i < h.Length; i++) f[i] = (float)h[i];
            return f;
        }

        return dataset.Read<float[]>();
    }
}

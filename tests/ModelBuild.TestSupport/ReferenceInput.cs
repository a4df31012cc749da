namespace ModelBuild.TestSupport;

/// <summary>The fixed input of ../shared/models/keras/*.reference.json: x[i] = ((i·7919) mod 1000) / 1000, NHWC, batch 1.</summary>
public static class ReferenceInput
{
    public static float[] For(int[] shape)
    {
        long n = 1;
        for (int d = 1; d < shape.Length; d++) n *= shape[d];
        var x = new float[n];
        for (long i = 0; i < n; i++) x[i] = (float)((i * 7919 % 1000) / 1000.0);
        return x;
    }
}

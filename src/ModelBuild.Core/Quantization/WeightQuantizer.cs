using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization;

/// <summary>Quantizes constant tensors: symmetric int8 weights, int32 biases, affine int8 operands.</summary>
internal static class WeightQuantizer
{
    /// <summary>Symmetric int8 in [-127, 127], zero point 0; one scale per slice of <paramref name="channelDim"/>, or per tensor when null.</summary>
    public static Tensor Weights(Tensor w, int? channelDim)
    {
        var data = w.FloatData;
        var q = new sbyte[data.Length];
        QuantParams p;
        if (channelDim is int dim)
        {
            int channels = w.Shape[dim];
            int inner = 1;
            for (int d = dim + 1; d < w.Rank; d++) inner *= w.Shape[d];
            var maxAbs = new float[channels];
            for (int i = 0; i < data.Length; i++)
            {
                int c = i / inner % channels;
                maxAbs[c] = Math.Max(maxAbs[c], Math.Abs(data[i]));
            }

            var scales = maxAbs.Select(QuantParamMath.SymmetricScale).ToArray();
            for (int i = 0; i < data.Length; i++) q[i] = QuantParamMath.QuantizeSymmetric(data[i], scales[i / inner % channels]);
            p = new QuantParams(scales, new long[channels], dim);
        }
        else
        {
            float maxAbs = 0;
            foreach (var v in data) maxAbs = Math.Max(maxAbs, Math.Abs(v));
            float scale = QuantParamMath.SymmetricScale(maxAbs);
            for (int i = 0; i < data.Length; i++) q[i] = QuantParamMath.QuantizeSymmetric(data[i], scale);
            p = QuantParams.PerTensor(scale, 0);
        }

        return new Tensor(w.Name, (int[])w.Shape.Clone(), DataType.Int8, q) { Quant = p };
    }

    /// <summary>int32 bias with scale input_scale × weight_scale[c] (per channel when the weights are), zero point 0.</summary>
    public static Tensor Bias(Tensor b, float inputScale, float[] weightScales)
    {
        var data = b.FloatData;
        var scales = new float[weightScales.Length];
        for (int c = 0; c < scales.Length; c++) scales[c] = inputScale * weightScales[c];
        var q = new int[data.Length];
        for (int i = 0; i < data.Length; i++) q[i] = QuantParamMath.QuantizeBias(data[i], scales.Length == 1 ? scales[0] : scales[i]);
        return new Tensor(b.Name, (int[])b.Shape.Clone(), DataType.Int32, q) { Quant = new QuantParams(scales, new long[scales.Length], 0) };
    }

    public static Tensor Affine(Tensor t, QuantParams p)
    {
        var data = t.FloatData;
        var q = new sbyte[data.Length];
        for (int i = 0; i < data.Length; i++) q[i] = QuantParamMath.QuantizeAffine(data[i], p.Scale[0], p.ZeroPoint[0]);
        return new Tensor(t.Name, (int[])t.Shape.Clone(), DataType.Int8, q) { Quant = p };
    }
}

using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>
/// TRANSPOSE_CONV int8, per-channel weights: int32 sums of (x − input zero point)·w scattered over the output,
/// then bias and the per-channel requantization (TFLite 2.9's reference_integer_ops::TransposeConv arithmetic).
/// </summary>
internal sealed class Int8TransposeConvKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly sbyte[] weights;
    private readonly Int8ChannelRequant requant;
    private readonly int h, w, ic, kh, kw, oh, ow, oc, padT, padL, inputOffset;
    private readonly TransposeConvOptions options;

    public Int8TransposeConvKernel(Node node)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        var filter = node.Inputs[1]!;
        options = node.OptionsAs<TransposeConvOptions>();
        weights = filter.Int8Data;
        (h, w, ic) = (input.Shape[1], input.Shape[2], input.Shape[3]);
        (oh, ow, oc) = (output.Shape[1], output.Shape[2], output.Shape[3]);
        (kh, kw) = (filter.Shape[1], filter.Shape[2]);
        padT = TransposeConvKernel.PaddingBefore(options.Padding, options.StrideH, kh, oh);
        padL = TransposeConvKernel.PaddingBefore(options.Padding, options.StrideW, kw, ow);
        inputOffset = -Int8Quant.ZeroPoint(input);
        requant = new Int8ChannelRequant(input, filter, node.OptionalInput(2), output, oc, FusedActivation.None);
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        int batch = input.Shape[0];
        var acc = new int[oh * ow * oc];
        for (int b = 0; b < batch; b++)
        {
            Array.Clear(acc);
            for (int iy = 0; iy < h; iy++)
                for (int ix = 0; ix < w; ix++)
                {
                    int xi = ((b * h + iy) * w + ix) * ic;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int oy = iy * options.StrideH + ky - padT;
                        if (oy < 0 || oy >= oh) continue;
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int ox = ix * options.StrideW + kx - padL;
                            if (ox < 0 || ox >= ow) continue;
                            int yi = (oy * ow + ox) * oc;
                            for (int co = 0; co < oc; co++)
                            {
                                int wi = ((co * kh + ky) * kw + kx) * ic, sum = 0;
                                for (int ci = 0; ci < ic; ci++) sum += (x[xi + ci] + inputOffset) * weights[wi + ci];
                                acc[yi + co] += sum;
                            }
                        }
                    }
                }

            int offset = b * acc.Length;
            for (int i = 0; i < acc.Length; i++) y[offset + i] = requant.Apply(acc[i], i % oc, gemm: false);
        }
    }
}

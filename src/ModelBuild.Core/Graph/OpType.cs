namespace ModelBuild.Core.Graph;

/// <summary>
/// Operators of the IR. Each maps to one TFLite builtin operator with TFLite's semantics, so the float
/// executor, the quantizer, the int8 executor and the writer share one meaning per op.
/// Constant parameters that TFLite passes as tensors stay tensors (PAD paddings, MEAN axes, RESHAPE shape).
/// </summary>
public enum OpType
{
    Conv2D,                // inputs: x, weights OHWI, bias [O] (optional)            options: Conv2DOptions
    DepthwiseConv2D,       // inputs: x, weights 1HW(C*M), bias [C*M] (optional)      options: DepthwiseConv2DOptions
    FullyConnected,        // inputs: x, weights [out,in], bias [out] (optional)      options: FullyConnectedOptions
    Add,                   // inputs: a, b (broadcast on trailing dims)               options: ElementwiseOptions
    Sub,                   // inputs: a, b                                            options: ElementwiseOptions
    Mul,                   // inputs: a, b                                            options: ElementwiseOptions
    Maximum,               // inputs: a, b
    Minimum,               // inputs: a, b
    Concatenation,         // inputs: x0..xn                                          options: ConcatenationOptions
    Pad,                   // inputs: x, paddings int32 [rank,2]
    MaxPool2D,             // inputs: x                                               options: Pool2DOptions
    AveragePool2D,         // inputs: x                                               options: Pool2DOptions
    Mean,                  // inputs: x, axes int32 [n]                               options: ReducerOptions
    ReduceMax,             // inputs: x, axes int32 [n]                               options: ReducerOptions
    Reshape,               // inputs: x, shape int32 [n]                              options: ReshapeOptions
    Softmax,               // inputs: x                                               options: SoftmaxOptions
    Logistic,              // inputs: x
    Tanh,                  // inputs: x
    Relu,                  // inputs: x
    Relu6,                 // inputs: x
    ReluN1To1,             // inputs: x
    LeakyRelu,             // inputs: x                                               options: LeakyReluOptions
    HardSwish,             // inputs: x
    ResizeNearestNeighbor, // inputs: x, size int32 [2]                               options: ResizeOptions
    Quantize,              // inputs: x (float or int8) -> int8
    Dequantize,            // inputs: x int8 -> float
    Slice,                 // inputs: x, begin int32 [rank], size int32 [rank]
    ResizeBilinear,        // inputs: x, size int32 [2]                               options: ResizeOptions
    TransposeConv,         // inputs: x, weights OHWI, bias [O] (optional), output_shape int32 [4]   options: TransposeConvOptions
}

namespace ModelBuild.Core.TfLite;

/// <summary>
/// The subset of TensorFlow Lite's flatbuffer schema (tensorflow/lite/schema/schema.fbs, file identifier "TFL3",
/// schema version 3) that ModelBuild writes and reads: field slots per table and the enum values we use.
/// A slot is the field's index in its table; a union field takes two slots (its type, then its value).
/// </summary>
internal static class TfLiteSchema
{
    public const string FileIdentifier = "TFL3";
    public const uint SchemaVersion = 3;

    public static class Model
    {
        public const int Version = 0, OperatorCodes = 1, Subgraphs = 2, Description = 3, Buffers = 4, MetadataBuffer = 5, Metadata = 6, SignatureDefs = 7;
        public const int FieldCount = 8;
    }

    public static class OperatorCode
    {
        public const int DeprecatedBuiltinCode = 0, CustomCode = 1, Version = 2, BuiltinCode = 3;
        public const int FieldCount = 4;

        /// <summary>Codes above this only fit the 32-bit builtin_code field.</summary>
        public const int PlaceholderForGreaterOpCodes = 127;
    }

    public static class SubGraph
    {
        public const int Tensors = 0, Inputs = 1, Outputs = 2, Operators = 3, Name = 4;
        public const int FieldCount = 5;
    }

    public static class Tensor
    {
        public const int Shape = 0, Type = 1, Buffer = 2, Name = 3, Quantization = 4, IsVariable = 5, Sparsity = 6, ShapeSignature = 7;
        public const int FieldCount = 8;
    }

    public static class QuantizationParameters
    {
        public const int Min = 0, Max = 1, Scale = 2, ZeroPoint = 3, DetailsType = 4, Details = 5, QuantizedDimension = 6;
        public const int FieldCount = 7;
    }

    public static class Operator
    {
        public const int OpcodeIndex = 0, Inputs = 1, Outputs = 2, BuiltinOptionsType = 3, BuiltinOptions = 4, CustomOptions = 5, CustomOptionsFormat = 6;
        public const int FieldCount = 7;
    }

    public static class Buffer
    {
        public const int Data = 0, Offset = 1, Size = 2;
        public const int FieldCount = 3;

        /// <summary>schema.fbs: data:[ubyte] (force_align: 16).</summary>
        public const int DataAlignment = 16;
    }

    public static class Metadata
    {
        public const int Name = 0, Buffer = 1;
        public const int FieldCount = 2;
    }

    public static class Conv2DOptions
    {
        public const int Padding = 0, StrideW = 1, StrideH = 2, FusedActivation = 3, DilationW = 4, DilationH = 5;
        public const int FieldCount = 6;
    }

    public static class DepthwiseConv2DOptions
    {
        public const int Padding = 0, StrideW = 1, StrideH = 2, DepthMultiplier = 3, FusedActivation = 4, DilationW = 5, DilationH = 6;
        public const int FieldCount = 7;
    }

    public static class Pool2DOptions
    {
        public const int Padding = 0, StrideW = 1, StrideH = 2, FilterWidth = 3, FilterHeight = 4, FusedActivation = 5;
        public const int FieldCount = 6;
    }

    public static class FullyConnectedOptions
    {
        public const int FusedActivation = 0, WeightsFormat = 1, KeepNumDims = 2, AsymmetricQuantizeInputs = 3;
        public const int FieldCount = 4;
    }

    /// <summary>AddOptions, SubOptions, MulOptions: fused_activation_function first.</summary>
    public static class ActivationOnlyOptions
    {
        public const int FusedActivation = 0;
        public const int FieldCount = 1;
    }

    public static class ConcatenationOptions
    {
        public const int Axis = 0, FusedActivation = 1;
        public const int FieldCount = 2;
    }

    public static class ReducerOptions
    {
        public const int KeepDims = 0;
        public const int FieldCount = 1;
    }

    public static class ReshapeOptions
    {
        public const int NewShape = 0;
        public const int FieldCount = 1;
    }

    public static class SoftmaxOptions
    {
        public const int Beta = 0;
        public const int FieldCount = 1;
    }

    public static class LeakyReluOptions
    {
        public const int Alpha = 0;
        public const int FieldCount = 1;
    }

    /// <summary>Fields 0 and 1 (new_height, new_width) are deprecated; the size is the second input.</summary>
    public static class ResizeBilinearOptions
    {
        public const int AlignCorners = 2, HalfPixelCenters = 3;
        public const int FieldCount = 4;
    }

    /// <summary>TFLite 2.9's table; fused_activation_function (field 3) came later.</summary>
    public static class TransposeConvOptions
    {
        public const int Padding = 0, StrideW = 1, StrideH = 2;
        public const int FieldCount = 3;
    }

    public static class ResizeNearestNeighborOptions
    {
        public const int AlignCorners = 0, HalfPixelCenters = 1;
        public const int FieldCount = 2;
    }
}

/// <summary>schema.fbs enum BuiltinOperator (the values ModelBuild emits or recognises).</summary>
public enum TfLiteBuiltinOperator
{
    Add = 0,
    AveragePool2D = 1,
    Concatenation = 2,
    Conv2D = 3,
    DepthwiseConv2D = 4,
    Dequantize = 6,
    FullyConnected = 9,
    Logistic = 14,
    MaxPool2D = 17,
    Mul = 18,
    Relu = 19,
    ReluN1To1 = 20,
    Relu6 = 21,
    Reshape = 22,
    ResizeBilinear = 23,
    Softmax = 25,
    Tanh = 28,
    Custom = 32,
    Pad = 34,
    Mean = 40,
    Sub = 41,
    Maximum = 55,
    Minimum = 57,
    Slice = 65,
    TransposeConv = 67,
    ReduceMax = 82,
    ResizeNearestNeighbor = 97,
    LeakyRelu = 98,
    Quantize = 114,
    HardSwish = 117,
}

/// <summary>schema.fbs union BuiltinOptions: the type tags of the option tables we use (0 = none).</summary>
public enum TfLiteBuiltinOptionsType : byte
{
    None = 0,
    Conv2DOptions = 1,
    DepthwiseConv2DOptions = 2,
    Pool2DOptions = 5,
    FullyConnectedOptions = 8,
    SoftmaxOptions = 9,
    ConcatenationOptions = 10,
    AddOptions = 11,
    ResizeBilinearOptions = 15,
    ReshapeOptions = 17,
    MulOptions = 21,
    PadOptions = 22,
    ReducerOptions = 27,
    SubOptions = 28,
    DequantizeOptions = 38,
    MaximumMinimumOptions = 39,
    SliceOptions = 48,
    TransposeConvOptions = 49,
    ResizeNearestNeighborOptions = 74,
    LeakyReluOptions = 75,
    QuantizeOptions = 89,
    HardSwishOptions = 91,
}

/// <summary>schema.fbs enum TensorType (note: differs from the C API's TfLiteType numbering).</summary>
public enum TfLiteFlatTensorType : sbyte
{
    Float32 = 0,
    Float16 = 1,
    Int32 = 2,
    UInt8 = 3,
    Int64 = 4,
    String = 5,
    Bool = 6,
    Int16 = 7,
    Complex64 = 8,
    Int8 = 9,
}

namespace ModelBuild.Core.Graph;

/// <summary>Element type of a tensor. Values mirror TFLite's TensorType where one exists.</summary>
public enum DataType
{
    Float32 = 0,
    Int32 = 2,
    UInt8 = 3,
    Int64 = 4,
    Int8 = 9,
}

public static class DataTypeExtensions
{
    public static int ByteSize(this DataType type) => type switch
    {
        DataType.Float32 => 4,
        DataType.Int32 => 4,
        DataType.UInt8 => 1,
        DataType.Int64 => 8,
        DataType.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}

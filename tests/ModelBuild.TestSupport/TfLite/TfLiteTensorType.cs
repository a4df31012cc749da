namespace ModelBuild.TestSupport;

/// <summary>TFLite's TfLiteType (c_api_types.h) as the runtime reports it.</summary>
public enum TfLiteTensorType
{
    NoType = 0,
    Float32 = 1,
    Int32 = 2,
    UInt8 = 3,
    Int64 = 4,
    String = 5,
    Bool = 6,
    Int16 = 7,
    Complex64 = 8,
    Int8 = 9,
    Float16 = 10,
    Float64 = 11,
}

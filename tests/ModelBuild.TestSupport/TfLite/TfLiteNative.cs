using System.Runtime.InteropServices;

namespace ModelBuild.TestSupport;

/// <summary>
/// Entry points of TensorFlow Lite 2.9's C API (tensorflow/lite/c/c_api.h), bound by name from the library at
/// <see cref="TfLiteRuntime.LibraryPath"/>. Pointers are opaque handles; statuses are kTfLiteOk = 0.
/// </summary>
internal sealed unsafe class TfLiteNative
{
    public TfLiteNative(nint lib)
    {
        nint Get(string name) => NativeLibrary.GetExport(lib, name);

        Version = (delegate* unmanaged[Cdecl]<nint>)Get("TfLiteVersion");
        ModelCreate = (delegate* unmanaged[Cdecl]<void*, nuint, nint>)Get("TfLiteModelCreate");
        ModelCreateFromFile = (delegate* unmanaged[Cdecl]<byte*, nint>)Get("TfLiteModelCreateFromFile");
        ModelDelete = (delegate* unmanaged[Cdecl]<nint, void>)Get("TfLiteModelDelete");
        OptionsCreate = (delegate* unmanaged[Cdecl]<nint>)Get("TfLiteInterpreterOptionsCreate");
        OptionsDelete = (delegate* unmanaged[Cdecl]<nint, void>)Get("TfLiteInterpreterOptionsDelete");
        OptionsSetNumThreads = (delegate* unmanaged[Cdecl]<nint, int, void>)Get("TfLiteInterpreterOptionsSetNumThreads");
        OptionsAddDelegate = (delegate* unmanaged[Cdecl]<nint, nint, void>)Get("TfLiteInterpreterOptionsAddDelegate");
        OptionsSetErrorReporter = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<nint, nint, nint, void>, nint, void>)Get("TfLiteInterpreterOptionsSetErrorReporter");
        XnnPackDelegateCreate = (delegate* unmanaged[Cdecl]<nint, nint>)Get("TfLiteXNNPackDelegateCreate");
        XnnPackDelegateDelete = (delegate* unmanaged[Cdecl]<nint, void>)Get("TfLiteXNNPackDelegateDelete");
        InterpreterCreate = (delegate* unmanaged[Cdecl]<nint, nint, nint>)Get("TfLiteInterpreterCreate");
        InterpreterDelete = (delegate* unmanaged[Cdecl]<nint, void>)Get("TfLiteInterpreterDelete");
        GetInputTensorCount = (delegate* unmanaged[Cdecl]<nint, int>)Get("TfLiteInterpreterGetInputTensorCount");
        GetInputTensor = (delegate* unmanaged[Cdecl]<nint, int, nint>)Get("TfLiteInterpreterGetInputTensor");
        GetOutputTensorCount = (delegate* unmanaged[Cdecl]<nint, int>)Get("TfLiteInterpreterGetOutputTensorCount");
        GetOutputTensor = (delegate* unmanaged[Cdecl]<nint, int, nint>)Get("TfLiteInterpreterGetOutputTensor");
        AllocateTensors = (delegate* unmanaged[Cdecl]<nint, int>)Get("TfLiteInterpreterAllocateTensors");
        Invoke = (delegate* unmanaged[Cdecl]<nint, int>)Get("TfLiteInterpreterInvoke");
        TensorType = (delegate* unmanaged[Cdecl]<nint, int>)Get("TfLiteTensorType");
        TensorNumDims = (delegate* unmanaged[Cdecl]<nint, int>)Get("TfLiteTensorNumDims");
        TensorDim = (delegate* unmanaged[Cdecl]<nint, int, int>)Get("TfLiteTensorDim");
        TensorByteSize = (delegate* unmanaged[Cdecl]<nint, nuint>)Get("TfLiteTensorByteSize");
        TensorName = (delegate* unmanaged[Cdecl]<nint, nint>)Get("TfLiteTensorName");
        TensorQuantizationParams = (delegate* unmanaged[Cdecl]<nint, QuantizationParams>)Get("TfLiteTensorQuantizationParams");
        TensorCopyFromBuffer = (delegate* unmanaged[Cdecl]<nint, void*, nuint, int>)Get("TfLiteTensorCopyFromBuffer");
        TensorCopyToBuffer = (delegate* unmanaged[Cdecl]<nint, void*, nuint, int>)Get("TfLiteTensorCopyToBuffer");
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct QuantizationParams
    {
        public float Scale;
        public int ZeroPoint;
    }

    public readonly delegate* unmanaged[Cdecl]<nint> Version;
    public readonly delegate* unmanaged[Cdecl]<void*, nuint, nint> ModelCreate;
    public readonly delegate* unmanaged[Cdecl]<byte*, nint> ModelCreateFromFile;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ModelDelete;
    public readonly delegate* unmanaged[Cdecl]<nint> OptionsCreate;
    public readonly delegate* unmanaged[Cdecl]<nint, void> OptionsDelete;
    public readonly delegate* unmanaged[Cdecl]<nint, int, void> OptionsSetNumThreads;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, void> OptionsAddDelegate;
    public readonly delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<nint, nint, nint, void>, nint, void> OptionsSetErrorReporter;
    public readonly delegate* unmanaged[Cdecl]<nint, nint> XnnPackDelegateCreate;
    public readonly delegate* unmanaged[Cdecl]<nint, void> XnnPackDelegateDelete;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, nint> InterpreterCreate;
    public readonly delegate* unmanaged[Cdecl]<nint, void> InterpreterDelete;
    public readonly delegate* unmanaged[Cdecl]<nint, int> GetInputTensorCount;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> GetInputTensor;
    public readonly delegate* unmanaged[Cdecl]<nint, int> GetOutputTensorCount;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> GetOutputTensor;
    public readonly delegate* unmanaged[Cdecl]<nint, int> AllocateTensors;
    public readonly delegate* unmanaged[Cdecl]<nint, int> Invoke;
    public readonly delegate* unmanaged[Cdecl]<nint, int> TensorType;
    public readonly delegate* unmanaged[Cdecl]<nint, int> TensorNumDims;
    public readonly delegate* unmanaged[Cdecl]<nint, int, int> TensorDim;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint> TensorByteSize;
    public readonly delegate* unmanaged[Cdecl]<nint, nint> TensorName;
    public readonly delegate* unmanaged[Cdecl]<nint, QuantizationParams> TensorQuantizationParams;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nuint, int> TensorCopyFromBuffer;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nuint, int> TensorCopyToBuffer;
}

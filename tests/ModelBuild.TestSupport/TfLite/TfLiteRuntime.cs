using System.Runtime.InteropServices;

namespace ModelBuild.TestSupport;

/// <summary>
/// The real TensorFlow Lite 2.9 runtime (libtensorflowlite_c.so, fetched from npm tfjs-tflite-node@0.0.2 by the
/// TestSupport build into &lt;repo&gt;/.tools/tflite-2.9/). Tests use it as the oracle for the models we write.
/// Set MODELBUILD_TFLITE_LIB to use another copy of the library.
/// </summary>
public static class TfLiteRuntime
{
    private static readonly Lazy<TfLiteNative> NativeLazy = new(LoadNative);

    /// <summary>Where the library is expected.</summary>
    public static string LibraryPath =>
        Environment.GetEnvironmentVariable("MODELBUILD_TFLITE_LIB") is { Length: > 0 } p
            ? p
            : Path.Combine(RepoPaths.Root, ".tools", "tflite-2.9", "libtensorflowlite_c.so");

    /// <summary>The runtime's version string, e.g. "2.9.0".</summary>
    public static unsafe string Version => Marshal.PtrToStringUTF8(Native.Version()) ?? "";

    internal static TfLiteNative Native => NativeLazy.Value;

    /// <summary>Loads a .tflite file into a ready interpreter (tensors allocated).</summary>
    public static TfLiteInterpreter Load(string modelPath, TfLiteInterpreterOptions? options = null) =>
        new(File.ReadAllBytes(modelPath), Path.GetFileName(modelPath), options ?? new TfLiteInterpreterOptions());

    /// <summary>Loads a model from its flatbuffer bytes into a ready interpreter (tensors allocated).</summary>
    public static TfLiteInterpreter Load(byte[] model, TfLiteInterpreterOptions? options = null) =>
        new(model, "<buffer>", options ?? new TfLiteInterpreterOptions());

    private static TfLiteNative LoadNative()
    {
        var path = LibraryPath;
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"TensorFlow Lite runtime not found at {path}. Build tests/ModelBuild.TestSupport (it runs 'npm pack tfjs-tflite-node@0.0.2') or set MODELBUILD_TFLITE_LIB.",
                path);
        return new TfLiteNative(NativeLibrary.Load(path));
    }
}

/// <summary>How to build an interpreter. Defaults: one thread, TFLite's builtin kernels, no XNNPack.</summary>
public sealed record TfLiteInterpreterOptions(int NumThreads = 1, bool UseXnnPack = false);

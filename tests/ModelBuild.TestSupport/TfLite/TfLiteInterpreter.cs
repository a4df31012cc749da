using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace ModelBuild.TestSupport;

/// <summary>
/// One model loaded into the real TFLite runtime with its tensors allocated. Not thread-safe.
/// Errors the runtime reports (through its error reporter) end up in the message of <see cref="TfLiteRuntimeException"/>.
/// </summary>
public sealed unsafe class TfLiteInterpreter : IDisposable
{
    private readonly TfLiteNative _api;
    private readonly string _label;
    private readonly ErrorLog _errors = new();
    private GCHandle _errorsHandle;
    private void* _modelData;
    private nint _model, _options, _delegate, _interpreter;

    internal TfLiteInterpreter(byte[] model, string label, TfLiteInterpreterOptions options)
    {
        _api = TfLiteRuntime.Native;
        _label = label;
        try
        {
            // TfLiteModelCreate does not copy: the bytes must stay put for the interpreter's lifetime.
            _modelData = NativeMemory.Alloc((nuint)Math.Max(model.Length, 1));
            model.CopyTo(new Span<byte>(_modelData, model.Length));
            _model = _api.ModelCreate(_modelData, (nuint)model.Length);
            if (_model == 0) throw new TfLiteRuntimeException($"TFLite could not load model {label} ({model.Length} bytes): not a valid flatbuffer model.");

            _errorsHandle = GCHandle.Alloc(_errors);
            _options = _api.OptionsCreate();
            _api.OptionsSetNumThreads(_options, options.NumThreads);
            _api.OptionsSetErrorReporter(_options, &Report, GCHandle.ToIntPtr(_errorsHandle));
            if (options.UseXnnPack)
            {
                // TfLiteXNNPackDelegateOptions starts with int32 num_threads (then flags, zero = defaults off); a null
                // options pointer would mean one thread whatever the interpreter's NumThreads says.
                var xnnOptions = stackalloc long[8];
                new Span<long>(xnnOptions, 8).Clear();
                *(int*)xnnOptions = options.NumThreads > 1 ? options.NumThreads : 0;
                _delegate = _api.XnnPackDelegateCreate((nint)xnnOptions);
                _api.OptionsAddDelegate(_options, _delegate);
            }

            _interpreter = _api.InterpreterCreate(_model, _options);
            if (_interpreter == 0) throw Failure("TfLiteInterpreterCreate");
            if (_api.AllocateTensors(_interpreter) != 0) throw Failure("TfLiteInterpreterAllocateTensors");

            Inputs = Enumerable.Range(0, _api.GetInputTensorCount(_interpreter)).Select(i => Describe(_api.GetInputTensor(_interpreter, i))).ToArray();
            Outputs = Enumerable.Range(0, _api.GetOutputTensorCount(_interpreter)).Select(i => Describe(_api.GetOutputTensor(_interpreter, i))).ToArray();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<TfLiteTensorInfo> Inputs { get; } = [];

    public IReadOnlyList<TfLiteTensorInfo> Outputs { get; } = [];

    /// <summary>Copies raw input bytes in, invokes, and returns every output's raw bytes.</summary>
    public byte[][] Run(params byte[][] inputs)
    {
        ObjectDisposedException.ThrowIf(_interpreter == 0, this);
        if (inputs.Length != Inputs.Count) throw new ArgumentException($"Model {_label} has {Inputs.Count} inputs, got {inputs.Length}.");
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].Length != Inputs[i].ByteSize)
                throw new ArgumentException($"Input {i} ({Inputs[i]}) needs {Inputs[i].ByteSize} bytes, got {inputs[i].Length}.");
            fixed (byte* p = inputs[i])
                if (_api.TensorCopyFromBuffer(_api.GetInputTensor(_interpreter, i), p, (nuint)inputs[i].Length) != 0)
                    throw Failure("TfLiteTensorCopyFromBuffer");
        }

        if (_api.Invoke(_interpreter) != 0) throw Failure("TfLiteInterpreterInvoke");

        var outputs = new byte[Outputs.Count][];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = new byte[Outputs[i].ByteSize];
            fixed (byte* p = outputs[i])
                if (_api.TensorCopyToBuffer(_api.GetOutputTensor(_interpreter, i), p, (nuint)outputs[i].Length) != 0)
                    throw Failure("TfLiteTensorCopyToBuffer");
        }

        return outputs;
    }

    /// <summary>Single float input, first output as float.</summary>
    public float[] RunFloat(float[] input) => MemoryMarshal.Cast<byte, float>(Run(MemoryMarshal.AsBytes(input.AsSpan()).ToArray())[0]).ToArray();

    /// <summary>Single int8 input, first output as int8.</summary>
    public sbyte[] RunInt8(sbyte[] input) => MemoryMarshal.Cast<byte, sbyte>(Run(MemoryMarshal.AsBytes(input.AsSpan()).ToArray())[0]).ToArray();

    /// <summary>Several typed inputs (float[], sbyte[], byte[], int[]), all outputs as raw bytes.</summary>
    public byte[][] RunArrays(params Array[] inputs) => Run(inputs.Select(ToBytes).ToArray());

    public static float[] AsFloat(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    public static sbyte[] AsInt8(byte[] bytes) => MemoryMarshal.Cast<byte, sbyte>(bytes).ToArray();

    public static int[] AsInt32(byte[] bytes) => MemoryMarshal.Cast<byte, int>(bytes).ToArray();

    public void Dispose()
    {
        if (_interpreter != 0) _api.InterpreterDelete(_interpreter);
        if (_delegate != 0) _api.XnnPackDelegateDelete(_delegate);
        if (_options != 0) _api.OptionsDelete(_options);
        if (_model != 0) _api.ModelDelete(_model);
        if (_modelData != null) NativeMemory.Free(_modelData);
        if (_errorsHandle.IsAllocated) _errorsHandle.Free();
        _interpreter = _delegate = _options = _model = 0;
        _modelData = null;
    }

    private static byte[] ToBytes(Array a) => a switch
    {
        byte[] b => b,
        sbyte[] s => MemoryMarshal.AsBytes(s.AsSpan()).ToArray(),
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()).ToArray(),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray(),
        _ => throw new ArgumentException($"Unsupported input array type {a.GetType().Name}."),
    };

    private TfLiteTensorInfo Describe(nint tensor)
    {
        var dims = new int[_api.TensorNumDims(tensor)];
        for (int d = 0; d < dims.Length; d++) dims[d] = _api.TensorDim(tensor, d);
        var q = _api.TensorQuantizationParams(tensor);
        return new TfLiteTensorInfo(
            Marshal.PtrToStringUTF8(_api.TensorName(tensor)) ?? "",
            (TfLiteTensorType)_api.TensorType(tensor), dims, checked((int)_api.TensorByteSize(tensor)), q.Scale, q.ZeroPoint);
    }

    private TfLiteRuntimeException Failure(string call)
    {
        var reported = _errors.Drain();
        return new TfLiteRuntimeException($"{call} failed for model {_label}" + (reported.Length > 0 ? ": " + reported : "."));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Report(nint userData, nint format, nint args)
    {
        // On x86-64 System V a va_list parameter arrives as a pointer, which vsnprintf accepts as is.
        var buffer = stackalloc byte[2048];
        int n = VsnPrintf(buffer, 2048, format, args);
        var text = n > 0 ? Encoding.UTF8.GetString(buffer, Math.Min(n, 2047)) : Marshal.PtrToStringUTF8(format) ?? "";
        if (GCHandle.FromIntPtr(userData).Target is ErrorLog log) log.Add(text);
    }

    [DllImport("libc", EntryPoint = "vsnprintf")]
    private static extern int VsnPrintf(byte* buffer, nuint size, nint format, nint args);

    private sealed class ErrorLog
    {
        private readonly List<string> _lines = [];

        public void Add(string line)
        {
            lock (_lines) _lines.Add(line.Trim());
        }

        public string Drain()
        {
            lock (_lines)
            {
                var s = string.Join(" | ", _lines);
                _lines.Clear();
                return s;
            }
        }
    }
}

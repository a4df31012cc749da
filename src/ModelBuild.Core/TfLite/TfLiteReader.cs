using System.Runtime.InteropServices;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.TfLite;

/// <summary>
/// Reads a .tflite model into the IR: the models ModelBuild writes, and simple ones from Google's converter whose
/// operators all map to an <see cref="OpType"/>. Node names are their first output's tensor name.
/// </summary>
public static class TfLiteReader
{
    /// <summary>Reads a .tflite file; a damaged file is MB1015, an operator or tensor type without an IR equivalent MB1016, both naming the file.</summary>
    public static ModelGraph Read(string path)
    {
        var flat = TfLiteFileErrors.ReadFlat(path);
        try
        {
            return Read(flat, Path.GetFileNameWithoutExtension(path));
        }
        catch (InvalidDataException e)
        {
            throw TfLiteFileErrors.DamagedFile(path, e);
        }
        catch (NotSupportedException e)
        {
            throw TfLiteFileErrors.UnsupportedFile(path, e);
        }
    }

    public static ModelGraph Read(byte[] bytes, string name = "model") => Read(TfLiteFlatModel.Read(bytes), name);

    public static ModelGraph Read(TfLiteFlatModel flat, string name)
    {
        if (flat.Subgraphs.Count == 0) throw new InvalidDataException($"TFLite model '{name}' has no subgraph.");
        var sg = flat.Subgraphs[0];
        var tensors = sg.Tensors.Select((t, i) => ToTensor(flat, t, i, name)).ToArray();

        Tensor At(int index) => index >= 0 && index < tensors.Length
            ? tensors[index]
            : throw new InvalidDataException($"TFLite model '{name}': tensor index {index} out of range (0..{tensors.Length - 1}).");

        var nodes = new List<Node>(sg.Operators.Count);
        foreach (var op in sg.Operators)
        {
            if (op.OpcodeIndex >= flat.OperatorCodes.Count)
                throw new InvalidDataException($"TFLite model '{name}': operator code index {op.OpcodeIndex} out of range.");
            var code = flat.OperatorCodes[(int)op.OpcodeIndex];
            var outputs = op.Outputs.Select(At).ToArray();
            if (code.IsCustom || !OperatorRegistry.TryGet((TfLiteBuiltinOperator)code.BuiltinCode, out var definition))
                throw new NotSupportedException(
                    $"TFLite model '{name}': operator {code.DisplayName} (producing '{outputs.FirstOrDefault()?.Name}') has no ModelBuild IR equivalent.");
            var inputs = definition.FromTfLiteInputs(op.Inputs.Select(i => i < 0 ? null : At(i)).ToArray());
            OpOptions? options;
            try
            {
                options = definition.ReadOptions(new TfLiteOptionsTable(op.Options), outputs.Length > 0 ? outputs[0].Shape : []);
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException)
            {
                // The options table is read lazily, so a damaged offset in it only shows here.
                throw new InvalidDataException($"TFLite model '{name}': the options of {code.DisplayName} (producing '{outputs.FirstOrDefault()?.Name}') point outside the file.", e);
            }

            nodes.Add(new Node(outputs.FirstOrDefault()?.Name ?? $"op{nodes.Count}", definition.Op, inputs, outputs, options));
        }

        return new ModelGraph(name, sg.Inputs.Select(At), sg.Outputs.Select(At), nodes);
    }

    private static Tensor ToTensor(TfLiteFlatModel flat, TfLiteFlatTensor t, int index, string model)
    {
        var type = t.Type switch
        {
            TfLiteFlatTensorType.Float32 => DataType.Float32,
            TfLiteFlatTensorType.Int32 => DataType.Int32,
            TfLiteFlatTensorType.UInt8 => DataType.UInt8,
            TfLiteFlatTensorType.Int64 => DataType.Int64,
            TfLiteFlatTensorType.Int8 => DataType.Int8,
            _ => throw new NotSupportedException($"TFLite model '{model}': tensor {index} '{t.Name}' has type {t.Type}, which ModelBuild does not support."),
        };
        var tensor = new Tensor(t.Name, (int[])t.Shape.Clone(), type);
        if (t.Buffer != 0 && t.Buffer < flat.Buffers.Count && flat.Buffers[(int)t.Buffer].Count > 0)
            tensor.Data = ToArray(flat.Buffers[(int)t.Buffer], type, tensor, model);
        if (t.Quantization is { } q)
            tensor.Quant = new QuantParams((float[])q.Scale.Clone(), (long[])q.ZeroPoint.Clone(), q.QuantizedDimension);
        return tensor;
    }

    private static Array ToArray(ArraySegment<byte> bytes, DataType type, Tensor t, string model)
    {
        long expected = t.ElementCount * type.ByteSize();
        if (bytes.Count != expected)
            throw new InvalidDataException($"TFLite model '{model}': constant '{t.Name}' has {bytes.Count} bytes, its shape needs {expected}.");
        ReadOnlySpan<byte> span = bytes;
        return type switch
        {
            DataType.Float32 => MemoryMarshal.Cast<byte, float>(span).ToArray(),
            DataType.Int32 => MemoryMarshal.Cast<byte, int>(span).ToArray(),
            DataType.Int64 => MemoryMarshal.Cast<byte, long>(span).ToArray(),
            DataType.Int8 => MemoryMarshal.Cast<byte, sbyte>(span).ToArray(),
            DataType.UInt8 => span.ToArray(),
            _ => throw new NotSupportedException(type.ToString()),
        };
    }
}

using System.Runtime.InteropServices;
using System.Text;
using Google.FlatBuffers;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.TfLite;

/// <summary>
/// Serializes a <see cref="ModelGraph"/> (float or int8) as a TFLite flatbuffer: one subgraph, buffer 0 the empty
/// sentinel, identical constants sharing one buffer, operator codes at the lowest version that expresses each op,
/// and a <c>min_runtime_version</c> metadata entry. The same graph always gives the same bytes.
/// </summary>
public static class TfLiteWriter
{
    public const string MinRuntimeVersionMetadata = "min_runtime_version";
    public const string Description = "ModelBuild";

    public static byte[] Write(ModelGraph graph)
    {
        FlatBufferBuilder? builder = null;
        return Write(graph, ref builder).ToArray();
    }

    /// <summary>
    /// Serializes the model into <paramref name="builder"/>'s buffer (reused, cleared, when it is large enough; else a new
    /// builder) and returns the model's bytes inside that buffer: valid until the builder is used again. For writing many
    /// large models in a row without two fresh copies of each (the builder's and a sized array).
    /// </summary>
    internal static ArraySegment<byte> Write(ModelGraph graph, ref FlatBufferBuilder? builder)
    {
        Validate(graph);
        var nodeInputs = graph.Nodes.Select(n => OperatorRegistry.For(n).TfLiteInputs(n)).ToList();
        var tensors = graph.Tensors.ToList();
        var known = new HashSet<Tensor>(tensors, ReferenceEqualityComparer.Instance);
        foreach (var inputs in nodeInputs)
            foreach (var t in inputs)
                if (t is not null && known.Add(t)) tensors.Add(t);
        var tensorIndex = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < tensors.Count; i++) tensorIndex[tensors[i]] = i;

        var buffers = new BufferTable();
        var tensorBuffer = tensors.Select(t => t.Data is null ? 0 : buffers.Add(ConstantBytes(t))).ToArray();

        var opcodes = new List<(TfLiteBuiltinOperator Op, int Version)>();
        var nodeOpcode = new int[graph.Nodes.Count];
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            var node = graph.Nodes[n];
            var definition = OperatorRegistry.For(node);
            var code = definition.Builtin;
            var version = definition.Version(node);
            int idx = opcodes.FindIndex(c => c.Op == code);
            if (idx < 0)
            {
                idx = opcodes.Count;
                opcodes.Add((code, version));
            }
            else if (version > opcodes[idx].Version)
            {
                opcodes[idx] = (code, version);
            }

            nodeOpcode[n] = idx;
        }

        var minRuntime = opcodes.Select(c => TfLiteOperatorVersions.MinRuntimeVersion(c.Op, c.Version))
            .Aggregate("", (a, v) => TfLiteOperatorVersions.CompareRuntimeVersions(a, v) < 0 ? v : a);
        var runtimeBytes = new byte[16];
        Encoding.ASCII.GetBytes(minRuntime, runtimeBytes);
        int runtimeBuffer = buffers.AddUnshared(runtimeBytes);

        int capacity = checked((int)Math.Min(int.MaxValue / 2, buffers.TotalBytes + 64 * 1024 + tensors.Count * 256L));
        if (builder is null || builder.DataBuffer.Length < capacity) builder = new FlatBufferBuilder(capacity);
        else builder.Clear();
        var b = builder;

        // Children before parents: flatbuffers are built back to front.
        var bufferOffsets = buffers.Items.Select(data => WriteBuffer(b, data)).ToArray();
        var tensorOffsets = tensors.Select((t, i) => WriteTensor(b, t, tensorBuffer[i])).ToArray();
        var operatorOffsets = graph.Nodes.Select((node, i) => WriteOperator(b, node, nodeInputs[i], nodeOpcode[i], tensorIndex)).ToArray();

        var sgTensors = OffsetVector(b, tensorOffsets);
        var sgInputs = TfLiteOptionsCodec.IntVector(b, graph.Inputs.Select(t => tensorIndex[t]).ToArray());
        var sgOutputs = TfLiteOptionsCodec.IntVector(b, graph.Outputs.Select(t => tensorIndex[t]).ToArray());
        var sgOperators = OffsetVector(b, operatorOffsets);
        var sgName = b.CreateString("main").Value;
        b.StartTable(S.SubGraph.FieldCount);
        b.AddOffset(S.SubGraph.Tensors, sgTensors, 0);
        b.AddOffset(S.SubGraph.Inputs, sgInputs, 0);
        b.AddOffset(S.SubGraph.Outputs, sgOutputs, 0);
        b.AddOffset(S.SubGraph.Operators, sgOperators, 0);
        b.AddOffset(S.SubGraph.Name, sgName, 0);
        var subgraph = b.EndTable();

        var opcodeOffsets = opcodes.Select(c => WriteOperatorCode(b, c.Op, c.Version)).ToArray();

        var metadataName = b.CreateString(MinRuntimeVersionMetadata).Value;
        b.StartTable(S.Metadata.FieldCount);
        b.AddOffset(S.Metadata.Name, metadataName, 0);
        b.AddUint(S.Metadata.Buffer, (uint)runtimeBuffer, 0);
        var metadata = b.EndTable();

        var opcodesVec = OffsetVector(b, opcodeOffsets);
        var subgraphsVec = OffsetVector(b, [subgraph]);
        var description = b.CreateString(Description).Value;
        var buffersVec = OffsetVector(b, bufferOffsets);
        var metadataVec = OffsetVector(b, [metadata]);

        b.StartTable(S.Model.FieldCount);
        b.AddUint(S.Model.Version, S.SchemaVersion, 0);
        b.AddOffset(S.Model.OperatorCodes, opcodesVec, 0);
        b.AddOffset(S.Model.Subgraphs, subgraphsVec, 0);
        b.AddOffset(S.Model.Description, description, 0);
        b.AddOffset(S.Model.Buffers, buffersVec, 0);
        b.AddOffset(S.Model.Metadata, metadataVec, 0);
        var model = b.EndTable();
        b.Finish(model, S.FileIdentifier);
        return b.DataBuffer.ToArraySegment(b.DataBuffer.Position, b.DataBuffer.Length - b.DataBuffer.Position);
    }

    /// <summary>Writes the model to <paramref name="path"/> through a temporary file, so a failure never leaves half a model.</summary>
    public static void WriteFile(ModelGraph graph, string path)
    {
        var bytes = Write(graph);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void Validate(ModelGraph graph)
    {
        foreach (var t in graph.Inputs)
            if (t.IsConstant) throw new ArgumentException($"Model '{graph.Name}': input '{t.Name}' is a constant.");
        var produced = new HashSet<Tensor>(graph.Inputs, ReferenceEqualityComparer.Instance);
        foreach (var node in graph.Nodes)
        {
            foreach (var i in node.Inputs)
                if (i is { IsConstant: false } && !produced.Contains(i))
                    throw new ArgumentException($"Model '{graph.Name}': node '{node.Name}' reads '{i.Name}', which is neither a model input nor produced by an earlier node.");
            foreach (var o in node.Outputs) produced.Add(o);
        }

        foreach (var o in graph.Outputs)
            if (!produced.Contains(o) && !o.IsConstant)
                throw new ArgumentException($"Model '{graph.Name}': output '{o.Name}' is never produced.");
    }

    private static byte[] ConstantBytes(Tensor t)
    {
        var data = t.Data!;
        if (data.Length != t.ElementCount)
            throw new ArgumentException($"Tensor '{t.Name}' has {data.Length} values for shape [{string.Join(',', t.Shape)}].");
        return data switch
        {
            float[] f when t.Type == DataType.Float32 => MemoryMarshal.AsBytes(f.AsSpan()).ToArray(),
            // The bulk of an int8 model: the runtime lets sbyte[] be read as byte[] (same size, same bits), no copy.
            // The writer only reads buffers, so the tensor's data is never changed through this view.
            sbyte[] s when t.Type == DataType.Int8 => System.Runtime.CompilerServices.Unsafe.As<byte[]>(s),
            int[] i when t.Type == DataType.Int32 => MemoryMarshal.AsBytes(i.AsSpan()).ToArray(),
            byte[] u when t.Type == DataType.UInt8 => (byte[])u.Clone(),
            long[] l when t.Type == DataType.Int64 => MemoryMarshal.AsBytes(l.AsSpan()).ToArray(),
            _ => throw new ArgumentException($"Tensor '{t.Name}' is {t.Type} but holds {data.GetType().Name}."),
        };
    }

    private static int WriteBuffer(FlatBufferBuilder b, byte[] data)
    {
        int dataVec = 0;
        if (data.Length > 0)
        {
            b.StartVector(1, data.Length, S.Buffer.DataAlignment);
            b.Add(data);
            dataVec = b.EndVector().Value;
        }

        b.StartTable(S.Buffer.FieldCount);
        if (dataVec != 0) b.AddOffset(S.Buffer.Data, dataVec, 0);
        return b.EndTable();
    }

    private static int WriteTensor(FlatBufferBuilder b, Tensor t, int buffer)
    {
        var shape = TfLiteOptionsCodec.IntVector(b, t.Shape);
        var name = b.CreateString(t.Name).Value;
        int quant = t.Quant is { } q ? WriteQuantization(b, q) : 0;
        b.StartTable(S.Tensor.FieldCount);
        b.AddOffset(S.Tensor.Shape, shape, 0);
        b.AddSbyte(S.Tensor.Type, (sbyte)t.Type, 0);
        b.AddUint(S.Tensor.Buffer, (uint)buffer, 0);
        b.AddOffset(S.Tensor.Name, name, 0);
        if (quant != 0) b.AddOffset(S.Tensor.Quantization, quant, 0);
        return b.EndTable();
    }

    private static int WriteQuantization(FlatBufferBuilder b, QuantParams q)
    {
        if (q.Scale.Length != q.ZeroPoint.Length)
            throw new ArgumentException($"Quantization has {q.Scale.Length} scales but {q.ZeroPoint.Length} zero points.");
        b.StartVector(sizeof(float), q.Scale.Length, sizeof(float));
        for (int i = q.Scale.Length - 1; i >= 0; i--) b.AddFloat(q.Scale[i]);
        var scale = b.EndVector().Value;
        b.StartVector(sizeof(long), q.ZeroPoint.Length, sizeof(long));
        for (int i = q.ZeroPoint.Length - 1; i >= 0; i--) b.AddLong(q.ZeroPoint[i]);
        var zeroPoint = b.EndVector().Value;
        b.StartTable(S.QuantizationParameters.FieldCount);
        b.AddOffset(S.QuantizationParameters.Scale, scale, 0);
        b.AddOffset(S.QuantizationParameters.ZeroPoint, zeroPoint, 0);
        b.AddInt(S.QuantizationParameters.QuantizedDimension, q.QuantizedDimension, 0);
        return b.EndTable();
    }

    private static int WriteOperator(FlatBufferBuilder b, Node node, IReadOnlyList<Tensor?> nodeInputs, int opcodeIndex, Dictionary<Tensor, int> tensorIndex)
    {
        var inputs = nodeInputs.Select(t => t is null ? -1 : tensorIndex[t]).ToArray();
        var inVec = TfLiteOptionsCodec.IntVector(b, inputs);
        var outVec = TfLiteOptionsCodec.IntVector(b, node.Outputs.Select(t => tensorIndex[t]).ToArray());
        var (optionsType, options) = OperatorRegistry.For(node).WriteOptions(b, node);
        b.StartTable(S.Operator.FieldCount);
        b.AddUint(S.Operator.OpcodeIndex, (uint)opcodeIndex, 0);
        b.AddOffset(S.Operator.Inputs, inVec, 0);
        b.AddOffset(S.Operator.Outputs, outVec, 0);
        if (optionsType != TfLiteBuiltinOptionsType.None)
        {
            b.AddByte(S.Operator.BuiltinOptionsType, (byte)optionsType, 0);
            b.AddOffset(S.Operator.BuiltinOptions, options, 0);
        }

        return b.EndTable();
    }

    private static int WriteOperatorCode(FlatBufferBuilder b, TfLiteBuiltinOperator op, int version)
    {
        int code = (int)op;
        b.StartTable(S.OperatorCode.FieldCount);
        // Old readers only know the 8-bit field; new ones take max(deprecated, builtin_code). Set both.
        b.AddSbyte(S.OperatorCode.DeprecatedBuiltinCode, (sbyte)Math.Min(code, S.OperatorCode.PlaceholderForGreaterOpCodes), 0);
        b.AddInt(S.OperatorCode.Version, version, 1);
        b.AddInt(S.OperatorCode.BuiltinCode, code, 0);
        return b.EndTable();
    }

    private static int OffsetVector(FlatBufferBuilder b, int[] offsets)
    {
        b.StartVector(sizeof(int), offsets.Length, sizeof(int));
        for (int i = offsets.Length - 1; i >= 0; i--) b.AddOffset(offsets[i]);
        return b.EndVector().Value;
    }

    /// <summary>Model buffers; index 0 is the empty sentinel, identical constant contents share one entry.</summary>
    private sealed class BufferTable
    {
        private readonly Dictionary<string, List<int>> _byHash = [];

        public List<byte[]> Items { get; } = [[]];

        public long TotalBytes => Items.Sum(i => (long)i.Length + 16);

        public int Add(byte[] data)
        {
            // Equal contents are found by a cheap key and confirmed byte by byte, so the key need not be a strong hash.
            var key = ContentKey(data);
            if (!_byHash.TryGetValue(key, out var candidates)) _byHash[key] = candidates = [];
            foreach (var c in candidates)
                if (Items[c].AsSpan().SequenceEqual(data)) return c;
            candidates.Add(Items.Count);
            Items.Add(data);
            return Items.Count - 1;
        }

        /// <summary>Length plus a 64-bit hash of at most 4096 bytes sampled evenly through the data.</summary>
        private static string ContentKey(byte[] data)
        {
            const int Samples = 512;
            ulong h = 14695981039346656037UL;
            if (data.Length <= 8 * Samples)
                foreach (var x in data) h = (h ^ x) * 1099511628211UL;
            else
            {
                long step = data.Length / Samples;
                for (int i = 0; i < Samples; i++)
                    h = (h ^ BitConverter.ToUInt64(data, (int)(i * step))) * 1099511628211UL;
                h = (h ^ BitConverter.ToUInt64(data, data.Length - 8)) * 1099511628211UL;
            }

            return $"{data.Length}:{h:x16}";
        }

        public int AddUnshared(byte[] data)
        {
            Items.Add(data);
            return Items.Count - 1;
        }
    }
}

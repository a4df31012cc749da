using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>Reads NumPy .npy arrays (float32, float64, uint8; C order) and .npz archives of them as samples.</summary>
internal static partial class NpySamples
{
    /// <summary>Yields samples of <paramref name="sampleShape"/> ([H,W,C]) from an array shaped [N,H,W,C] or [H,W,C].</summary>
    public static IEnumerable<float[]> Load(string path, int[] sampleShape)
    {
        if (path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries.Where(e => e.Name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                using var s = entry.Open();
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                foreach (var sample in Split(Parse(ms.ToArray(), $"{path}:{entry.FullName}"), sampleShape, $"{path}:{entry.FullName}")) yield return sample;
            }

            yield break;
        }

        foreach (var sample in Split(Parse(File.ReadAllBytes(path), path), sampleShape, path)) yield return sample;
    }

    private static IEnumerable<float[]> Split((int[] Shape, float[] Data) array, int[] sampleShape, string file)
    {
        var (shape, data) = array;
        var tail = shape.Length == sampleShape.Length + 1 ? shape[1..] : shape;
        if (!tail.SequenceEqual(sampleShape) || shape.Length > sampleShape.Length + 1)
            throw new ModelBuildException("MB3053", file,
                $"holds an array of shape ({string.Join(", ", shape)}) but the model's input needs (N, {string.Join(", ", sampleShape)}) or ({string.Join(", ", sampleShape)}); save calibration tensors in the model's input shape.");
        int size = sampleShape.Aggregate(1, (a, b) => a * b);
        for (int i = 0; i + size <= data.Length; i += size) yield return data.AsSpan(i, size).ToArray();
    }

    private static (int[] Shape, float[] Data) Parse(byte[] bytes, string file)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new ModelBuildException("MB3052", file, "is not a NumPy .npy array (bad magic); save tensors with numpy.save().");
        int major = bytes[6];
        int headerLen = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int offset = major == 1 ? 10 : 12;
        var header = Encoding.ASCII.GetString(bytes, offset, headerLen);
        var descr = DescrPattern().Match(header).Groups[1].Value;
        if (FortranPattern().IsMatch(header))
            throw new ModelBuildException("MB3052", file, "is stored in Fortran order; save it with numpy.ascontiguousarray().");
        var shape = ShapePattern().Match(header).Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var body = bytes.AsSpan(offset + headerLen);
        float[] data = descr switch
        {
            "<f4" => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(body).ToArray(),
            "<f8" => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(body).ToArray().Select(d => (float)d).ToArray(),
            "|u1" or "<u1" => body.ToArray().Select(b => (float)b).ToArray(),
            _ => throw new ModelBuildException("MB3052", file, $"has dtype '{descr}'; calibration tensors must be float32, float64 or uint8."),
        };
        return (shape, data);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order':\s*True")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}

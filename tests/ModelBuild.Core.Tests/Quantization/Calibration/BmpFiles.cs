namespace ModelBuild.Core.Tests.Quantization.Calibration;

/// <summary>24-bit BMP files made in code, for calibration folders with known pixels.</summary>
internal static class BmpFiles
{
    /// <summary>A BMP whose pixel (y, x), counted from the top left, has the colour <paramref name="rgb"/> gives.</summary>
    public static byte[] Of(int width, int height, Func<int, int, (byte R, byte G, byte B)> rgb)
    {
        int row = (width * 3 + 3) / 4 * 4, size = 54 + row * height;
        var b = new byte[size];
        b[0] = (byte)'B';
        b[1] = (byte)'M';
        BitConverter.GetBytes(size).CopyTo(b, 2);
        BitConverter.GetBytes(54).CopyTo(b, 10);
        BitConverter.GetBytes(40).CopyTo(b, 14);
        BitConverter.GetBytes(width).CopyTo(b, 18);
        BitConverter.GetBytes(height).CopyTo(b, 22);
        BitConverter.GetBytes((short)1).CopyTo(b, 26);
        BitConverter.GetBytes((short)24).CopyTo(b, 28);
        BitConverter.GetBytes(row * height).CopyTo(b, 34);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (r, g, bl) = rgb(y, x);
                int at = 54 + (height - 1 - y) * row + 3 * x; // rows bottom-up, BGR
                (b[at], b[at + 1], b[at + 2]) = (bl, g, r);
            }

        return b;
    }

    /// <summary>A BMP of one colour.</summary>
    public static byte[] Solid(int width, int height, byte r, byte g, byte b) => Of(width, height, (_, _) => (r, g, b));
}

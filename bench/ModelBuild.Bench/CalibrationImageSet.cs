using StbImageSharp;

namespace ModelBuild.Bench;

/// <summary>
/// A folder of N calibration images made from the few photos in ../shared/images (bird.rgb, cat.bmp, face.jpg,
/// hot_dog.jpg, marguerite.jpg): the originals first, then crops (90 % … 55 % of the shorter side, at positions that
/// move with the index) and their mirror images, written as 24-bit BMP files named in the order they were made.
/// Deterministic: the same N gives the same files.
/// </summary>
internal static class CalibrationImageSet
{
    private sealed record Photo(string Name, int Width, int Height, byte[] Rgb);

    public static string Make(string folder, int count)
    {
        var marker = Path.Combine(folder, $".complete-{count}");
        if (File.Exists(marker)) return folder;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var photos = LoadPhotos();
        for (int i = 0; i < count; i++)
        {
            var photo = photos[i % photos.Count];
            int variant = i / photos.Count;
            var (w, h, rgb) = variant == 0 ? (photo.Width, photo.Height, photo.Rgb) : Crop(photo, variant);
            Bmp.Write(Path.Combine(folder, $"calib_{i:D3}_{photo.Name}_v{variant}.bmp"), w, h, rgb);
        }

        File.WriteAllText(marker, "");
        return folder;
    }

    /// <summary>How the set is made, for the report.</summary>
    public static string Describe(int count) =>
        $"{count} images: the 5 photos of ../shared/images, then crops (90-55 % of the shorter side) and their mirror images, as 24-bit BMP";

    private static List<Photo> LoadPhotos()
    {
        var dir = ModelBuild.TestSupport.RepoPaths.Images;
        var photos = new List<Photo> { new("bird", 224, 224, File.ReadAllBytes(Path.Combine(dir, "bird.rgb"))) };
        foreach (var file in new[] { "cat.bmp", "face.jpg", "hot_dog.jpg", "marguerite.jpg" })
        {
            var image = ImageResult.FromMemory(File.ReadAllBytes(Path.Combine(dir, file)), ColorComponents.RedGreenBlue);
            photos.Add(new Photo(Path.GetFileNameWithoutExtension(file), image.Width, image.Height, image.Data));
        }

        return photos;
    }

    private static (int W, int H, byte[] Rgb) Crop(Photo p, int variant)
    {
        double scale = 0.9 - 0.05 * ((variant - 1) / 2 % 8);
        int side = Math.Max(16, (int)(Math.Min(p.Width, p.Height) * scale));
        // Positions walk over a 3x3 grid of anchors; odd variants are mirrored.
        int anchor = (variant * 5) % 9;
        int x0 = (p.Width - side) * (anchor % 3) / 2, y0 = (p.Height - side) * (anchor / 3) / 2;
        bool mirror = variant % 2 == 1;
        var rgb = new byte[side * side * 3];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                int sx = x0 + (mirror ? side - 1 - x : x), src = ((y0 + y) * p.Width + sx) * 3, dst = (y * side + x) * 3;
                rgb[dst] = p.Rgb[src];
                rgb[dst + 1] = p.Rgb[src + 1];
                rgb[dst + 2] = p.Rgb[src + 2];
            }

        return (side, side, rgb);
    }
}

/// <summary>Writes an uncompressed 24-bit BMP (bottom-up rows, BGR, rows padded to 4 bytes).</summary>
internal static class Bmp
{
    public static void Write(string path, int width, int height, byte[] rgb)
    {
        int stride = (width * 3 + 3) & ~3;
        int size = 54 + stride * height;
        var b = new byte[size];
        b[0] = (byte)'B';
        b[1] = (byte)'M';
        BitConverter.TryWriteBytes(b.AsSpan(2), size);
        BitConverter.TryWriteBytes(b.AsSpan(10), 54);
        BitConverter.TryWriteBytes(b.AsSpan(14), 40);
        BitConverter.TryWriteBytes(b.AsSpan(18), width);
        BitConverter.TryWriteBytes(b.AsSpan(22), height);
        BitConverter.TryWriteBytes(b.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(b.AsSpan(28), (short)24);
        BitConverter.TryWriteBytes(b.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                int s = (y * width + x) * 3, d = row + x * 3;
                b[d] = rgb[s + 2];
                b[d + 1] = rgb[s + 1];
                b[d + 2] = rgb[s];
            }
        }

        File.WriteAllBytes(path, b);
    }
}

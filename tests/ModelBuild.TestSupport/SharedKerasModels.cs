namespace ModelBuild.TestSupport;

/// <summary>The real Keras files of ../shared/models/keras as test data rows (file name only), in name order.</summary>
public static class SharedKerasModels
{
    /// <summary>Every .h5 / .hdf5 file there: a model added to ../shared is picked up by every test that uses this.</summary>
    public static IEnumerable<object[]> All =>
        Directory.EnumerateFiles(RepoPaths.KerasModels)
            .Where(f => f.EndsWith(".h5", StringComparison.Ordinal) || f.EndsWith(".hdf5", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .Select(name => new object[] { name! })
            .ToList();
}

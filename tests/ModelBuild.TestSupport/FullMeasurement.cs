namespace ModelBuild.TestSupport;

/// <summary>
/// The accuracy tables of docs/ACCURACY.md whose rows take a minute or more each on the CI machine (the 400×600 U-Net's
/// calibrations, the estimator table's larger MobileNet and SqueezeNet rows, U-Net's per-tensor column) are measured
/// with <c>MODELBUILD_MEASURE_ALL=1</c>; a plain test run keeps every other row, so each code path stays exercised.
/// </summary>
public static class FullMeasurement
{
    public const string Variable = "MODELBUILD_MEASURE_ALL";

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary><paramref name="rows"/> (first column: a shared model's file name) without the models whose name starts with one of <paramref name="prefixes"/>, unless <see cref="Enabled"/>.</summary>
    public static IEnumerable<object[]> Without(IEnumerable<object[]> rows, params string[] prefixes) =>
        Enabled ? rows : rows.Where(row => !prefixes.Any(p => ((string)row[0]).StartsWith(p, StringComparison.Ordinal)));
}

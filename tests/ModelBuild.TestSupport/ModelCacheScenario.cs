namespace ModelBuild.TestSupport;

/// <summary>
/// The project the model-cache tests build in several "clones" (Sdk.Tests in process, EndToEnd.Tests as two
/// concurrent processes): ResNet-8 from ../shared, cut at a tiny budget, calibrated on a few photos.
/// </summary>
public static class ModelCacheScenario
{
    /// <summary>The shared Keras model each clone holds.</summary>
    public const string SharedModel = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";

    /// <summary>The item's name in the clones (the model file is <c>resnet8.h5</c>).</summary>
    public const string Model = "resnet8";

    /// <summary>The start of the log line a build writes for each step it takes from the cache.</summary>
    public const string Restored = "resnet8.h5: restored from cache ";

    /// <summary>The KerasModel metadata of every clone (a new dictionary each call, for tests that change one).</summary>
    public static Dictionary<string, string> Settings() => new()
    {
        ["BudgetMiB"] = "0.03",
        ["CalibrationData"] = "calib",
        ["CalibrationSamples"] = "8",
        ["Preprocessing"] = "unit",
    };
}

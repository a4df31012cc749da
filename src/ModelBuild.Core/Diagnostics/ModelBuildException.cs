namespace ModelBuild.Core.Diagnostics;

/// <summary>
/// An error the user can act on. <see cref="Code"/> is MBxxxx (MB1 reading, MB2 cutting, MB3 quantization,
/// MB4 Edge TPU, MB5 output and MSBuild use). The message names the file and, where it is a layer's fault,
/// the layer and its class, and says what to do. Never carries a stack trace to the user.
/// </summary>
public sealed class ModelBuildException : Exception
{
    public ModelBuildException(string code, string? file, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        File = file;
    }

    public string Code { get; }

    /// <summary>The file at fault (the .h5, a calibration file, an output), or null.</summary>
    public string? File { get; }

    /// <summary>"MB1003: resnet101.h5: layer 'lambda_3' (Lambda) is not supported; ...".</summary>
    public override string ToString() => File is null ? $"{Code}: {Message}" : $"{Code}: {Path.GetFileName(File)}: {Message}";
}

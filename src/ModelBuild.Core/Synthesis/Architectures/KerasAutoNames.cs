using System.Globalization;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>
/// The names Keras 2 gives layers created without one, in a fresh session: the snake-case class name, then _1, _2 …
/// counted per name in creation order ("conv2d", "conv2d_1", "batch_normalization" …). Layers must therefore be
/// created in the order keras.applications' code creates them.
/// </summary>
internal sealed class KerasAutoNames
{
    private readonly Dictionary<string, int> _used = [];

    public string Next(string snakeCaseClass)
    {
        int n = _used.GetValueOrDefault(snakeCaseClass);
        _used[snakeCaseClass] = n + 1;
        return n == 0 ? snakeCaseClass : snakeCaseClass + "_" + n.ToString(CultureInfo.InvariantCulture);
    }
}

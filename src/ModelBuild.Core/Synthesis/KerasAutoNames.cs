namespace ModelBuild.Core.Synthesis;

/// <summary>
/// The names Keras gives unnamed layers and operations while a model is built: the snake_case class name, then
/// _1, _2, ... per name in creation order (Keras 2's unique_object_name with zero_based, Keras 3's uniquify).
/// </summary>
internal sealed class KerasAutoNames
{
    private readonly Dictionary<string, int> _used = [];

    public string Next(string baseName)
    {
        var n = _used.GetValueOrDefault(baseName);
        _used[baseName] = n + 1;
        return n == 0 ? baseName : $"{baseName}_{n}";
    }
}

using System.Text.RegularExpressions;

namespace ModelBuild.Core.Keras;

/// <summary>
/// A layer and the model layers enclosing it, outermost first. Each step has the layer's name and its saving key:
/// Keras 3 stores a container's layers under the snake_case class name, numbered in order
/// (conv2d, conv2d_1, ...), not under the layer's own name.
/// </summary>
internal sealed record KerasLayerPath(IReadOnlyList<(string Name, string Key)> Steps)
{
    public static readonly KerasLayerPath Root = new([]);

    public string Outermost => Steps[0].Name;

    public string Layer => Steps[^1].Name;

    public KerasLayerPath Child(string name, string key) => new([.. Steps, (name, key)]);

    /// <summary>The saving keys of a container's layers, by layer name, in the order Keras numbers them.</summary>
    public static Dictionary<string, string> SavingKeys(IEnumerable<(string Name, string ClassName)> layers)
    {
        var used = new Dictionary<string, int>();
        var keys = new Dictionary<string, string>();
        foreach (var (name, className) in layers)
        {
            var key = SnakeCase(className);
            if (used.TryGetValue(key, out var n))
            {
                used[key] = n + 1;
                key = $"{key}_{n + 1}";
            }
            else
            {
                used[key] = 0;
            }

            keys.TryAdd(name, key);
        }

        return keys;
    }

    /// <summary>Keras' class-name to snake_case rule: Conv2D → conv2d, BatchNormalization → batch_normalization, ReLU → re_lu.</summary>
    public static string SnakeCase(string className)
    {
        var s = Regex.Replace(className, @"\W+", "");
        s = Regex.Replace(s, "(.)([A-Z][a-z]+)", "$1_$2");
        return Regex.Replace(s, "([a-z])([A-Z])", "$1_$2").ToLowerInvariant();
    }
}

namespace ModelBuild.Bench;

/// <summary>Command-line arguments: positional words, `--name value` options and `--flag` switches.</summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public BenchArguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].StartsWith("--", StringComparison.Ordinal))
            {
                var name = list[i][2..];
                bool hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
                _options[name] = hasValue ? list[++i] : null;
            }
            else Positional.Add(list[i]);
        }
    }

    public List<string> Positional { get; } = [];

    public bool Flag(string name) => _options.ContainsKey(name);

    public string? Option(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v) : fallback;

    /// <summary>A comma-separated list option.</summary>
    public IReadOnlyList<string> List(string name, params string[] fallback) =>
        Option(name) is { } v ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : fallback;
}

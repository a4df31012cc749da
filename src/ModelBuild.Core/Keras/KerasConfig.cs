using System.Text.Json.Nodes;

namespace ModelBuild.Core.Keras;

/// <summary>Typed reads of a layer's `config` object, tolerant of the Keras 2 and Keras 3 spellings.</summary>
internal sealed class KerasConfig(JsonObject config)
{
    public JsonObject Json { get; } = config;

    public bool Has(string key) => Json.TryGetPropertyValue(key, out var v) && v is not null;

    public string String(string key, string fallback) =>
        Json.TryGetPropertyValue(key, out var v) && v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : fallback;

    public bool Bool(string key, bool fallback) =>
        Json.TryGetPropertyValue(key, out var v) && v is JsonValue jv && jv.TryGetValue<bool>(out var b) ? b : fallback;

    public double? Double(string key) =>
        Json.TryGetPropertyValue(key, out var v) && v is JsonValue jv ? jv.GetValue<double>() : null;

    public int Int(string key, int fallback) =>
        Json.TryGetPropertyValue(key, out var v) && v is JsonValue jv ? (int)jv.GetValue<double>() : fallback;

    /// <summary>An (h, w) pair given as an int or a two-element list; null when absent or JSON null.</summary>
    public (int H, int W)? Pair(string key)
    {
        if (!Json.TryGetPropertyValue(key, out var v) || v is null) return null;
        if (v is JsonArray a) return ((int)a[0]!.GetValue<double>(), (int)a[1]!.GetValue<double>());
        var n = (int)v.GetValue<double>();
        return (n, n);
    }

    public int[]? IntList(string key)
    {
        if (!Json.TryGetPropertyValue(key, out var v) || v is null) return null;
        if (v is JsonArray a) return a.Select(e => e is null ? -1 : (int)e.GetValue<double>()).ToArray();
        return [(int)v.GetValue<double>()];
    }

    /// <summary>Activation name; Keras 3 may store a serialized object instead of a string.</summary>
    public string Activation(string key = "activation")
    {
        if (!Json.TryGetPropertyValue(key, out var v) || v is null) return "linear";
        if (v is JsonValue jv && jv.TryGetValue<string>(out var s)) return s;
        if (v is JsonObject o && o["config"] is JsonValue cv && cv.TryGetValue<string>(out var name)) return name;
        if (v is JsonObject o2 && o2["class_name"] is JsonValue cn) return cn.GetValue<string>();
        return v.ToJsonString();
    }

    /// <summary>The layer's input shape including the batch dimension, from any of the Keras spellings.</summary>
    public int?[]? BatchInputShape()
    {
        foreach (var key in new[] { "batch_input_shape", "batch_shape" })
            if (Json[key] is JsonArray a)
                return a.Select(e => e is null ? (int?)null : (int)e.GetValue<double>()).ToArray();
        if (Json["input_shape"] is JsonArray s)
            return new int?[] { null }.Concat(s.Select(e => e is null ? (int?)null : (int)e.GetValue<double>())).ToArray();
        return null;
    }
}

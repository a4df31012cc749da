using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis;

/// <summary>
/// Writes JSON the way Python's <c>json.dumps</c> does with its defaults, as Keras writes <c>model_config</c>:
/// ", " and ": " separators, keys in insertion order, non-ASCII escaped, and floats in Python's repr
/// (<c>6.0</c>, <c>0.001</c>, <c>1.001e-05</c>). A number is a float when it was created from a double.
/// </summary>
internal static class PythonJson
{
    public static string Serialize(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in o)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, key);
                    sb.Append(": ");
                    Write(sb, value);
                }

                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (int i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(sb, a[i]);
                }

                sb.Append(']');
                break;
            case JsonValue v:
                WriteValue(sb, v);
                break;
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue v)
    {
        if (v.TryGetValue<string>(out var s)) WriteString(sb, s);
        else if (v.TryGetValue<bool>(out var b)) sb.Append(b ? "true" : "false");
        else if (v.TryGetValue<int>(out var i)) sb.Append(i.ToString(CultureInfo.InvariantCulture));
        else if (v.TryGetValue<long>(out var l)) sb.Append(l.ToString(CultureInfo.InvariantCulture));
        else if (v.TryGetValue<double>(out var d)) sb.Append(FloatRepr(d));
        else if (v.TryGetValue<float>(out var f)) sb.Append(FloatRepr(f));
        else throw new ArgumentException($"PythonJson cannot write the value {v.ToJsonString()}.");
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>
    /// Python's <c>repr(float)</c>: the shortest digits that round-trip, positional when the decimal exponent is in
    /// [-4, 16), else scientific with a signed exponent of at least two digits; whole numbers keep ".0".
    /// </summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";

        // "E16" is not shortest; "R" is, in either positional or E notation: normalise to digits and exponent.
        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        int exp = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var dot = r.IndexOf('.');
        var intPart = dot < 0 ? r : r[..dot];
        var fracPart = dot < 0 ? "" : r[(dot + 1)..];
        var digits = (intPart + fracPart).TrimStart('0');
        // Decimal exponent of the first significant digit: value = 0.d1d2... × 10^point.
        int point = intPart.TrimStart('0').Length > 0
            ? intPart.TrimStart('0').Length + exp
            : exp - (fracPart.Length - fracPart.TrimStart('0').Length);
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";

        int sciExp = point - 1;
        string body;
        if (sciExp >= -4 && sciExp < 16)
        {
            if (point <= 0) body = "0." + new string('0', -point) + digits;
            else if (point >= digits.Length) body = digits + new string('0', point - digits.Length) + ".0";
            else body = digits[..point] + "." + digits[point..];
        }
        else
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            body = mantissa + "e" + (sciExp < 0 ? "-" : "+") + Math.Abs(sciExp).ToString("00", CultureInfo.InvariantCulture);
        }

        return d < 0 ? "-" + body : body;
    }
}

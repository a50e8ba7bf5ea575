using System.Globalization;
using System.Text;

namespace Mailsub.Operator.Tests;

/// <summary>One sample of a scrape: its name (with _bucket/_sum/_count), labels and value.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.GetValueOrDefault(label);
}

/// <summary>A scrape in Prometheus' text exposition format (version 0.0.4), as Prometheus reads it.</summary>
internal sealed class PrometheusText
{
    private PrometheusText(Dictionary<string, string> types, Dictionary<string, string> help, List<Sample> samples) =>
        (Types, Help, Samples) = (types, help, samples);

    /// <summary>Family name to its TYPE (counter, gauge, histogram, …).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyDictionary<string, string> Help { get; }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>The samples of one name (a family's, or a histogram's name_bucket), optionally those with the given label values.</summary>
    public IReadOnlyList<Sample> Of(string name, params (string Label, string Value)[] match) =>
        [.. Samples.Where(s => s.Name == name && match.All(m => s[m.Label] == m.Value))];

    public double Value(string name, params (string Label, string Value)[] match) =>
        Of(name, match) is [var one] ? one.Value : throw new InvalidOperationException(
            $"expected one sample {name}{{{string.Join(",", match.Select(m => $"{m.Label}=\"{m.Value}\""))}}}, found {Of(name, match).Count}");

    public static PrometheusText Parse(string text)
    {
        var (types, help, samples) = (new Dictionary<string, string>(), new Dictionary<string, string>(), new List<Sample>());
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal) || line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ');
                (line[2] == 'T' ? types : help)[rest[..space]] = rest[(space + 1)..];
                continue;
            }
            if (line[0] == '#')
            {
                continue;
            }
            samples.Add(ParseSample(line));
        }
        return new PrometheusText(types, help, samples);
    }

    private static Sample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>();
        var i = line.IndexOfAny(['{', ' ']);
        var name = line[..i];
        if (line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var label = line[i..eq].TrimStart(',');
                var value = new StringBuilder();
                for (i = eq + 2; line[i] != '"'; i++)
                {
                    value.Append(line[i] == '\\' ? line[++i] switch { 'n' => '\n', var c => c } : line[i]);
                }
                labels[label] = value.ToString();
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }
            i++;
        }
        var value_ = line[(i + 1)..].Split(' ')[0]; // an optional timestamp follows
        return new Sample(name, labels, ParseValue(value_));
    }

    public static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, CultureInfo.InvariantCulture),
    };
}

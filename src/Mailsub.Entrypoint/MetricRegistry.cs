using System.Globalization;
using System.Text;

namespace Mailsub.Entrypoint;

/// <summary>
/// Counters and gauges by family and label values, served in Prometheus' text format (0.0.4).
/// Thread-safe: the log reader adds, the supervisor sets, /metrics reads.
/// </summary>
internal sealed class MetricRegistry
{
    /// <summary>Series one family may hold. The log parser already keeps label values to fixed
    /// sets or checked shapes; this bounds what is left (ciphers times protocols, reply codes),
    /// and every label set past it is counted in one series whose labels are all <c>other</c>.</summary>
    public const int MaxSeriesPerFamily = 100;

    private readonly object _gate = new();
    private readonly List<MetricFamily> _families;
    private readonly Dictionary<MetricFamily, Dictionary<string, (string[] Labels, double Value)>> _series = [];

    public MetricRegistry(IEnumerable<MetricFamily> families)
    {
        _families = [.. families];
        foreach (var family in _families)
        {
            _series[family] = new Dictionary<string, (string[], double)>(StringComparer.Ordinal);
            foreach (var labels in family.Initial ?? (family.LabelNames.Length == 0 ? [[]] : []))
                Set(family, 0, labels);
        }
    }

    public void Add(CounterDelta delta) => Update(delta.Family, delta.LabelValues, v => v + 1);

    public void Set(MetricFamily family, double value, params string[] labelValues) => Update(family, labelValues, _ => value);

    public void Remove(MetricFamily family, params string[] labelValues)
    {
        lock (_gate)
            _series[family].Remove(Key(labelValues));
    }

    public double Value(MetricFamily family, params string[] labelValues)
    {
        lock (_gate)
            return _series[family].TryGetValue(Key(labelValues), out var series) ? series.Value : 0;
    }

    public string Render()
    {
        var text = new StringBuilder();
        lock (_gate)
        {
            foreach (var family in _families)
            {
                text.Append("# HELP ").Append(family.Name).Append(' ').Append(family.Help.Replace("\\", @"\\").Replace("\n", @"\n")).Append('\n');
                text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type).Append('\n');
                foreach (var (labels, value) in _series[family].Values.OrderBy(s => Key(s.Labels), StringComparer.Ordinal))
                {
                    text.Append(family.Name);
                    if (labels.Length > 0)
                        text.Append('{').AppendJoin(',', family.LabelNames.Zip(labels, (n, v) => $"{n}=\"{Escape(v)}\"")).Append('}');
                    text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    private void Update(MetricFamily family, string[] labelValues, Func<double, double> update)
    {
        if (labelValues.Length != family.LabelNames.Length)
            throw new ArgumentException($"{family.Name} has labels {string.Join(", ", family.LabelNames)}, given {labelValues.Length} values");
        lock (_gate)
        {
            var series = _series[family];
            var key = Key(labelValues);
            if (!series.ContainsKey(key) && series.Count >= MaxSeriesPerFamily)
            {
                labelValues = [.. labelValues.Select(_ => PostfixLogCounts.Other)];
                key = Key(labelValues);
            }
            series[key] = (labelValues, update(series.TryGetValue(key, out var old) ? old.Value : 0));
        }
    }

    private static string Key(string[] labelValues) => string.Join('\0', labelValues);

    private static string Escape(string value) => value.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\n");
}

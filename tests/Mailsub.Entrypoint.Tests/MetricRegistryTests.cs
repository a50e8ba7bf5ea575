namespace Mailsub.Entrypoint.Tests;

public class MetricRegistryTests
{
    private static readonly MetricFamily Plain = MetricFamily.Counter("test_events_total", "Events.");
    private static readonly MetricFamily ByCode = MetricFamily.Counter("test_rejects_total", "Rejects by code.", "code");

    [Fact]
    public void Families_are_served_in_the_text_format_with_unlabelled_counters_at_0_from_the_start()
    {
        var registry = new MetricRegistry([Plain, ByCode]);
        registry.Add(new CounterDelta(ByCode, "554"));
        registry.Add(new CounterDelta(ByCode, "554"));

        Assert.Equal(
            "# HELP test_events_total Events.\n# TYPE test_events_total counter\ntest_events_total 0\n" +
            "# HELP test_rejects_total Rejects by code.\n# TYPE test_rejects_total counter\ntest_rejects_total{code=\"554\"} 2\n",
            registry.Render());
    }

    [Fact]
    public void Past_the_cap_new_label_sets_are_counted_under_other()
    {
        var registry = new MetricRegistry([ByCode]);
        for (var i = 0; i < MetricRegistry.MaxSeriesPerFamily + 50; i++)
            registry.Add(new CounterDelta(ByCode, i.ToString()));
        registry.Add(new CounterDelta(ByCode, "0"));

        Assert.Equal(MetricRegistry.MaxSeriesPerFamily + 1, registry.Render().Split('\n').Count(l => l.StartsWith("test_rejects_total{", StringComparison.Ordinal)));
        Assert.Equal(50, registry.Value(ByCode, PostfixLogCounts.Other));
        Assert.Equal(2, registry.Value(ByCode, "0"));
    }

    [Fact]
    public void Label_values_are_escaped()
    {
        var registry = new MetricRegistry([ByCode]);
        registry.Add(new CounterDelta(ByCode, "a\"b\\c\nd"));
        Assert.Contains("test_rejects_total{code=\"a\\\"b\\\\c\\nd\"} 1\n", registry.Render());
    }
}

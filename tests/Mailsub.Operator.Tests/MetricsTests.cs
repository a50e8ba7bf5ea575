using System.Diagnostics;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Operator.Tests;

/// <summary>
/// /metrics of the NativeAOT operator process against the real kube-apiserver, read as
/// controller-runtime serves it and as its Grafana dashboards (kubebuilder's grafana plugin) query it.
/// </summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class MetricsTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    private static readonly double[] ReconcileBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
        1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60];
    private static readonly double[] WorkQueueBuckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];
    private static readonly double[] RestClientBuckets = [0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0];

    /// <summary>
    /// controller-runtime's families (pkg/internal/controller/metrics, pkg/internal/metrics/workqueue.go,
    /// pkg/metrics/client_go_adapter.go, client_golang's process collector): type, label names besides le, buckets.
    /// </summary>
    private static readonly (string Name, string Type, string[] Labels, double[]? Buckets)[] Families =
    [
        ("controller_runtime_reconcile_total", "counter", ["controller", "result"], null),
        ("controller_runtime_reconcile_errors_total", "counter", ["controller"], null),
        ("controller_runtime_reconcile_time_seconds", "histogram", ["controller"], ReconcileBuckets),
        ("controller_runtime_max_concurrent_reconciles", "gauge", ["controller"], null),
        ("controller_runtime_active_workers", "gauge", ["controller"], null),
        ("workqueue_depth", "gauge", ["name", "controller", "priority"], null),
        ("workqueue_adds_total", "counter", ["name", "controller"], null),
        ("workqueue_queue_duration_seconds", "histogram", ["name", "controller"], WorkQueueBuckets),
        ("workqueue_work_duration_seconds", "histogram", ["name", "controller"], WorkQueueBuckets),
        ("workqueue_unfinished_work_seconds", "gauge", ["name", "controller"], null),
        ("workqueue_longest_running_processor_seconds", "gauge", ["name", "controller"], null),
        ("workqueue_retries_total", "counter", ["name", "controller"], null),
        ("rest_client_requests_total", "counter", ["code", "method", "host"], null),
        ("rest_client_request_duration_seconds", "histogram", ["verb", "host"], RestClientBuckets),
        ("process_cpu_seconds_total", "counter", [], null),
        ("process_open_fds", "gauge", [], null),
        ("process_max_fds", "gauge", [], null),
        ("process_virtual_memory_bytes", "gauge", [], null),
        ("process_virtual_memory_max_bytes", "gauge", [], null),
        ("process_resident_memory_bytes", "gauge", [], null),
        ("process_start_time_seconds", "gauge", [], null),
        ("process_network_receive_bytes_total", "counter", [], null),
        ("process_network_transmit_bytes_total", "counter", [], null),
        ("dotnet_collection_count_total", "counter", ["generation"], null),
        ("dotnet_total_memory_bytes", "gauge", [], null),
    ];

    /// <summary>
    /// The panels of kubebuilder's controller-runtime-metrics.json and controller-resources-metrics.json
    /// (job, namespace and pod are the scrape's target labels): the series each reads and the labels it groups by.
    /// </summary>
    private static readonly (string Query, string Series, string[] By)[] DashboardPanels =
    [
        ("controller_runtime_active_workers", "controller_runtime_active_workers", []),
        ("sum(rate(controller_runtime_reconcile_total[5m])) by (instance, pod)", "controller_runtime_reconcile_total", []),
        ("sum(rate(controller_runtime_reconcile_errors_total[5m])) by (instance, pod)", "controller_runtime_reconcile_errors_total", []),
        ("workqueue_depth", "workqueue_depth", []),
        ("histogram_quantile(0.99, sum(rate(workqueue_queue_duration_seconds_bucket[5m])) by (instance, name, le))", "workqueue_queue_duration_seconds_bucket", ["name", "le"]),
        ("sum(rate(workqueue_adds_total[5m])) by (instance, name)", "workqueue_adds_total", ["name"]),
        ("rate(workqueue_unfinished_work_seconds[5m])", "workqueue_unfinished_work_seconds", []),
        ("histogram_quantile(0.99, sum(rate(workqueue_work_duration_seconds_bucket[5m])) by (instance, name, le))", "workqueue_work_duration_seconds_bucket", ["name", "le"]),
        ("sum(rate(workqueue_retries_total[5m])) by (instance, name)", "workqueue_retries_total", ["name"]),
        ("rate(process_cpu_seconds_total[5m]) * 100", "process_cpu_seconds_total", []),
        ("process_resident_memory_bytes", "process_resident_memory_bytes", []),
    ];

    [Fact]
    public async Task Every_family_is_served_as_controller_runtime_serves_it_and_counters_start_at_zero()
    {
        using var cluster = new Cluster(cp);
        await cluster.InstallCrdsAsync();
        var ns = await cp.CreateNamespaceAsync("metrics");
        var port = LoopbackPort.Free();
        using var op = new OperatorProcess(cp.KubeconfigPath, "--namespace", ns, "--workers", "3", "--leader-elect",
            "--leader-election-namespace", ns, "--metrics-bind-address", $"127.0.0.1:{port}", "--health-probe-bind-address", "0");
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{port}/metrics";
        string? text = null;
        await Eventually.TrueAsync(async () => (text = await http.GetStringAsync(url)).Length > 0, Scenario.Timeout, () => $"{url} serves; operator: {op.Output}");

        // Nothing to reconcile yet: every result and the errors are there, at 0.
        var idle = PrometheusText.Parse(text!);
        foreach (var result in new[] { "error", "requeue_after", "requeue", "success" })
        {
            Assert.Equal(0, idle.Value("controller_runtime_reconcile_total", ("controller", "mailsubmission"), ("result", result)));
        }
        Assert.Equal(0, idle.Value("controller_runtime_reconcile_errors_total", ("controller", "mailsubmission")));
        Assert.Equal(3, idle.Value("controller_runtime_max_concurrent_reconciles", ("controller", "mailsubmission")));

        await cluster.CreateSecretAsync(ns, "alice-password", new() { ["password"] = "alice-secret-1" });
        await cluster.CreateAsync(Cluster.MailSubmissions(ns), Submissions.Modern("observed"));
        await Scenario.WaitAsync(cluster, ns, "observed", s => s["status"]?["observedGeneration"] is not null, "reconciled");
        var scrape = idle;
        await Eventually.TrueAsync(async () =>
        {
            scrape = PrometheusText.Parse(await http.GetStringAsync(url));
            return scrape.Value("controller_runtime_reconcile_total", ("controller", "mailsubmission"), ("result", "success")) > 0;
        }, Scenario.Timeout, () => "a successful reconcile counted");
        output.WriteLine(string.Join('\n', scrape.Samples.Where(s => !s.Name.EndsWith("_bucket", StringComparison.Ordinal))
            .Select(s => $"{s.Name}{{{string.Join(",", s.Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {s.Value}")));

        foreach (var (name, type, labels, buckets) in Families)
        {
            Assert.True(scrape.Types.TryGetValue(name, out var served), $"{name} is not served");
            Assert.Equal(type, served);
            var samples = scrape.Samples.Where(s => s.Name == name || (type == "histogram" && s.Name.StartsWith(name + "_", StringComparison.Ordinal))).ToList();
            Assert.NotEmpty(samples);
            foreach (var sample in samples)
            {
                Assert.Equal(labels.Order(), sample.Labels.Keys.Where(k => k != "le" || !sample.Name.EndsWith("_bucket", StringComparison.Ordinal)).Order());
            }
            if (buckets is not null)
            {
                var first = samples.First(s => s.Name == name + "_bucket");
                var bounds = samples.Where(s => s.Name == name + "_bucket" && labels.All(l => s[l] == first[l]))
                    .Select(s => PrometheusText.ParseValue(s["le"]!)).ToArray();
                Assert.Equal([.. buckets, double.PositiveInfinity], bounds, (a, b) => a == b || Math.Abs(a - b) <= 1e-12 * Math.Abs(b));
            }
        }
        foreach (var (query, series, by) in DashboardPanels)
        {
            Assert.True(scrape.Of(series).Any(s => by.All(s.Labels.ContainsKey)), $"{query}: no {series} series with {string.Join(",", by)}");
        }

        // What the reconcile did shows: the queue handed out and finished a key, the API was read,
        // applied to (server-side apply: PATCH) and the Lease was created through the typed client.
        var queue = new[] { ("name", "mailsubmission"), ("controller", "mailsubmission") };
        Assert.Equal("", scrape.Of("workqueue_depth", queue)[0]["priority"]);
        Assert.True(scrape.Value("workqueue_adds_total", queue) >= 1);
        Assert.True(scrape.Value("workqueue_queue_duration_seconds_count", queue) >= 1);
        Assert.True(scrape.Value("workqueue_work_duration_seconds_count", queue) >= 1);
        Assert.True(scrape.Value("controller_runtime_reconcile_time_seconds_count", ("controller", "mailsubmission")) >= 1);
        var host = new Uri(cp.ApiServerUrl).Authority;
        Assert.True(scrape.Value("rest_client_requests_total", ("code", "200"), ("method", "GET"), ("host", host)) >= 1);
        Assert.True(scrape.Value("rest_client_requests_total", ("code", "200"), ("method", "PATCH"), ("host", host)) >= 1);
        Assert.True(scrape.Value("rest_client_requests_total", ("code", "201"), ("method", "POST"), ("host", host)) >= 1);
        Assert.True(scrape.Value("rest_client_request_duration_seconds_count", ("verb", "GET"), ("host", host)) >= 1);

        // The process families describe this process, as /proc and the kernel see it.
        using var process = Process.GetProcessById(op.Id);
        var started = new DateTimeOffset(process.StartTime).ToUnixTimeMilliseconds() / 1000.0;
        Assert.InRange(scrape.Value("process_start_time_seconds"), started - 1, started + 1);
        Assert.InRange(scrape.Value("process_resident_memory_bytes"), 4 << 20, 1L << 30);
        Assert.True(scrape.Value("process_virtual_memory_bytes") > scrape.Value("process_resident_memory_bytes"));
        Assert.True(scrape.Value("process_cpu_seconds_total") > 0);
        Assert.InRange(scrape.Value("process_open_fds"), 3, scrape.Value("process_max_fds"));
        Assert.True(scrape.Value("dotnet_total_memory_bytes") > 0);
        Assert.Equal(["0", "1", "2"], scrape.Of("dotnet_collection_count_total").Select(s => s["generation"]!));
    }
}

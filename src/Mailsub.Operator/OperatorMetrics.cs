using Mailsub.Runtime.Controllers;
using Mailsub.Runtime.Webhooks;
using Prometheus;

namespace Mailsub.Operator;

/// <summary>
/// Prometheus metrics under controller-runtime's names, help texts, labels and buckets
/// (pkg/internal/controller/metrics, pkg/internal/metrics/workqueue.go, pkg/metrics/client_go_adapter.go),
/// so its dashboards and alerts work unchanged: the controller's and its work queue's families, the
/// API requests (<see cref="RestClientMetrics"/>), the process (<see cref="ProcessMetrics"/>), plus the
/// operator's own write counters (how idle writes are measured). As controller-runtime does, every
/// result series starts at 0, so a rate() or an alert on errors has a series before the first error.
/// </summary>
public sealed class OperatorMetrics
{
    public const string ControllerName = "mailsubmission";

    private static readonly double[] ReconcileBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
        1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60];

    // prometheus.ExponentialBuckets(10e-9, 10, 12): 10 ns to 1000 s.
    private static readonly double[] WorkQueueBuckets = Histogram.ExponentialBuckets(10e-9, 10, 12);

    private readonly IMetricFactory _factory;

    public OperatorMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        _factory = Metrics.WithCustomRegistry(Registry);
        RestClient = new RestClientMetrics(_factory);
        ProcessMetrics.Register(Registry, _factory);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Wraps the transports to the API server: rest_client_* families.</summary>
    public RestClientMetrics RestClient { get; }

    /// <summary>The controller's and its queue's families (labels: controller; name and controller), and the operator's write counters.</summary>
    public void Observe(Controller controller, OperatorState state)
    {
        var f = _factory;
        var reconciles = f.CreateCounter("controller_runtime_reconcile_total", "Total number of reconciliations per controller",
            new CounterConfiguration { LabelNames = ["controller", "result"] });
        var (error, requeueAfter, requeue, success) = (reconciles.WithLabels(ControllerName, "error"),
            reconciles.WithLabels(ControllerName, "requeue_after"), reconciles.WithLabels(ControllerName, "requeue"),
            reconciles.WithLabels(ControllerName, "success"));
        var errors = f.CreateCounter("controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller",
            new CounterConfiguration { LabelNames = ["controller"] }).WithLabels(ControllerName);
        var time = f.CreateHistogram("controller_runtime_reconcile_time_seconds", "Length of time per reconciliation per controller",
            new HistogramConfiguration { LabelNames = ["controller"], Buckets = ReconcileBuckets }).WithLabels(ControllerName);
        f.CreateGauge("controller_runtime_max_concurrent_reconciles", "Maximum number of concurrent reconciles per controller",
            new GaugeConfiguration { LabelNames = ["controller"] }).WithLabels(ControllerName).Set(controller.Workers);
        var workers = f.CreateGauge("controller_runtime_active_workers", "Number of currently used workers per controller",
            new GaugeConfiguration { LabelNames = ["controller"] }).WithLabels(ControllerName);
        controller.Reconciled += (_, outcome, duration) =>
        {
            (outcome switch
            {
                ReconcileOutcome.Success => success,
                ReconcileOutcome.Requeue => requeue,
                ReconcileOutcome.RequeueAfter => requeueAfter,
                _ => error,
            }).Inc();
            if (outcome == ReconcileOutcome.Error)
            {
                errors.Inc();
            }
            time.Observe(duration.TotalSeconds);
        };

        // controller-runtime names a controller's queue after the controller: name and controller
        // carry the same value; priority is empty for a queue without priorities.
        string[] queue = ["name", "controller"];
        var depth = f.CreateGauge("workqueue_depth", "Current depth of workqueue by workqueue and priority",
            new GaugeConfiguration { LabelNames = [.. queue, "priority"] }).WithLabels(ControllerName, ControllerName, "");
        var adds = f.CreateCounter("workqueue_adds_total", "Total number of adds handled by workqueue",
            new CounterConfiguration { LabelNames = queue }).WithLabels(ControllerName, ControllerName);
        var waited = f.CreateHistogram("workqueue_queue_duration_seconds", "How long in seconds an item stays in workqueue before being requested",
            new HistogramConfiguration { LabelNames = queue, Buckets = WorkQueueBuckets }).WithLabels(ControllerName, ControllerName);
        var worked = f.CreateHistogram("workqueue_work_duration_seconds", "How long in seconds processing an item from workqueue takes.",
            new HistogramConfiguration { LabelNames = queue, Buckets = WorkQueueBuckets }).WithLabels(ControllerName, ControllerName);
        var unfinished = f.CreateGauge("workqueue_unfinished_work_seconds", "How many seconds of work has been done that " +
            "is in progress and hasn't been observed by work_duration. Large " +
            "values indicate stuck threads. One can deduce the number of stuck " +
            "threads by observing the rate at which this increases.",
            new GaugeConfiguration { LabelNames = queue }).WithLabels(ControllerName, ControllerName);
        var longest = f.CreateGauge("workqueue_longest_running_processor_seconds", "How many seconds has the longest running " +
            "processor for workqueue been running.",
            new GaugeConfiguration { LabelNames = queue }).WithLabels(ControllerName, ControllerName);
        var retries = f.CreateCounter("workqueue_retries_total",
            "Total number of items added to the workqueue with a non-zero delay (rate-limited requeues, explicit RequeueAfter or AddAfter calls)",
            new CounterConfiguration { LabelNames = queue }).WithLabels(ControllerName, ControllerName);
        controller.Queue.HandedOut += wait => waited.Observe(wait.TotalSeconds);
        controller.Queue.Finished += work => worked.Observe(work.TotalSeconds);

        var childWrites = f.CreateCounter("mailsub_child_writes_total", "Applies and deletes of child objects");
        var childChanges = f.CreateCounter("mailsub_child_changes_total", "Child writes that changed an object (no-op applies excluded)");
        var statusWrites = f.CreateCounter("mailsub_status_writes_total", "Status subresource writes");
        var statusConflicts = f.CreateCounter("mailsub_status_conflicts_total", "Status writes refused with 409 Conflict (the resource changed since it was read) and retried");
        if (state.Prober is { } prober)
        {
            ObserveProbe(f, prober);
        }
        var secretGets = f.CreateCounter("mailsub_secret_gets_total", "Direct GETs of Secret data (cache misses by resourceVersion)");

        Registry.AddBeforeCollectCallback(() =>
        {
            depth.Set(controller.Queue.Depth);
            adds.IncTo(controller.Queue.AddsTotal);
            retries.IncTo(controller.Queue.RetriesTotal);
            var (total, running) = controller.Queue.UnfinishedWork();
            unfinished.Set(total.TotalSeconds);
            longest.Set(running.TotalSeconds);
            workers.Set(controller.ActiveWorkers);
            childWrites.IncTo(Interlocked.Read(ref state.Applier.Writes));
            childChanges.IncTo(Interlocked.Read(ref state.Applier.Changes));
            statusWrites.IncTo(Interlocked.Read(ref state.StatusWrites));
            statusConflicts.IncTo(Interlocked.Read(ref state.StatusConflicts));
            secretGets.IncTo(Interlocked.Read(ref state.SecretData.Gets));
        });
    }

    /// <summary>
    /// The live probe's families: probes by result (passed, failed, unreachable), failures by the
    /// check that failed (the LiveProbe reason), how long a submission's probe took, and how many
    /// submissions fail theirs now. The result series start at 0, as the reconcile results do.
    /// </summary>
    private void ObserveProbe(IMetricFactory f, LiveProber prober)
    {
        var runs = f.CreateCounter("mailsub_probe_runs_total", "Live probes of a submission's listeners, by result",
            new CounterConfiguration { LabelNames = ["result"] });
        var (passed, failed, unreachable) = (runs.WithLabels("passed"), runs.WithLabels("failed"), runs.WithLabels("unreachable"));
        var failures = f.CreateCounter("mailsub_probe_failures_total", "Failed live probes, by the check that failed (the LiveProbe reason)",
            new CounterConfiguration { LabelNames = ["check"] });
        var duration = f.CreateHistogram("mailsub_probe_duration_seconds", "Length of a live probe of every listener of one submission",
            new HistogramConfiguration { Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        var failing = f.CreateGauge("mailsub_probe_failing", "Submissions whose last live probe failed");
        prober.Probed += (result, elapsed) =>
        {
            (result.Failed ? failed : result.Status == Mailsub.Core.Api.ConditionStatus.True ? passed : unreachable).Inc();
            if (result.Failed)
            {
                failures.WithLabels(result.Reason).Inc();
            }
            duration.Observe(elapsed.TotalSeconds);
        };
        Registry.AddBeforeCollectCallback(() => failing.Set(prober.Failing));
    }

    // An admission answer takes well under a millisecond to a few (the benchmark in README): buckets
    // from 0.25 ms, up to the API server's longest timeoutSeconds (30 s).
    private static readonly double[] WebhookBuckets = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>
    /// The admission webhook's families, as controller-runtime's webhook server exports them in our
    /// naming: requests by verdict (malformed HTTP the server refused counts as an error), the
    /// handler's latency, and the serving certificate (whichever path wrote it: cert-manager's files
    /// or the self-managed Secret) with its renewals. No label holds request content.
    /// </summary>
    public void ObserveWebhook(SubmissionAdmission admission, HttpsServer server, ServingCertificate certificate)
    {
        var f = _factory;
        var requests = f.CreateCounter("mailsub_webhook_requests_total", "Admission requests answered by the webhook, by verdict",
            new CounterConfiguration { LabelNames = ["verdict"] });
        var (allowed, denied, error) = (requests.WithLabels("allowed"), requests.WithLabels("denied"), requests.WithLabels("error"));
        var duration = f.CreateHistogram("mailsub_webhook_request_duration_seconds", "Time from a whole request read to its answer",
            new HistogramConfiguration { Buckets = WebhookBuckets });
        var expiry = f.CreateGauge("mailsub_webhook_certificate_expiry_timestamp_seconds", "notAfter of the serving certificate, seconds since the epoch");
        var renewals = f.CreateCounter("mailsub_webhook_certificate_renewals_total", "New serving certificates picked up without a restart");
        admission.Answered += (verdict, elapsed) =>
        {
            (verdict switch { WebhookVerdict.Allowed => allowed, WebhookVerdict.Denied => denied, _ => error }).Inc();
            duration.Observe(elapsed.TotalSeconds);
        };
        long malformed = 0;
        Registry.AddBeforeCollectCallback(() =>
        {
            // The server's own refusals never reach the handler: counted here, as errors.
            var now = server.Malformed;
            error.Inc(now - Interlocked.Exchange(ref malformed, now));
            certificate.Current(); // picks up renewed files, as the next handshake would (a broken pair keeps the last one)
            if (certificate.NotAfter is { } notAfter)
            {
                expiry.Set(notAfter.ToUnixTimeMilliseconds() / 1000.0);
            }
            renewals.IncTo(certificate.Renewals);
        });
    }

    /// <summary>Serves /metrics on <paramref name="address"/> (host:port; empty host: every address).</summary>
    public IDisposable Serve(string address)
    {
        var (host, port) = BindAddress.Parse(address);
        var server = new MetricServer(host, port, "metrics/", Registry);
        server.Start();
        return server;
    }
}

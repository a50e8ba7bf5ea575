using Mailsub.Runtime.Controllers;
using Prometheus;

namespace Mailsub.Operator;

/// <summary>
/// Prometheus metrics under controller-runtime's names, so its dashboards and alerts work
/// unchanged, plus the operator's own write counters (how idle writes are measured).
/// </summary>
public sealed class OperatorMetrics
{
    public const string ControllerName = "mailsubmission";

    public OperatorMetrics(Controller controller, OperatorState state)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        var reconciles = factory.CreateCounter("controller_runtime_reconcile_total", "Total number of reconciliations per controller",
            new CounterConfiguration { LabelNames = ["controller", "result"] });
        var errors = factory.CreateCounter("controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller",
            new CounterConfiguration { LabelNames = ["controller"] });
        var time = factory.CreateHistogram("controller_runtime_reconcile_time_seconds", "Length of time per reconciliation per controller",
            new HistogramConfiguration
            {
                LabelNames = ["controller"],
                Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60],
            });
        var depth = factory.CreateGauge("workqueue_depth", "Current depth of workqueue", new GaugeConfiguration { LabelNames = ["name"] });
        var adds = factory.CreateCounter("workqueue_adds_total", "Total number of adds handled by workqueue", new CounterConfiguration { LabelNames = ["name"] });
        var retries = factory.CreateCounter("workqueue_retries_total", "Total number of retries handled by workqueue", new CounterConfiguration { LabelNames = ["name"] });
        var childWrites = factory.CreateCounter("mailsub_child_writes_total", "Applies and deletes of child objects");
        var childChanges = factory.CreateCounter("mailsub_child_changes_total", "Child writes that changed an object (no-op applies excluded)");
        var statusWrites = factory.CreateCounter("mailsub_status_writes_total", "Status subresource writes");
        var statusConflicts = factory.CreateCounter("mailsub_status_conflicts_total", "Status writes refused with 409 Conflict (the resource changed since it was read) and retried");
        var secretGets = factory.CreateCounter("mailsub_secret_gets_total", "Direct GETs of Secret data (cache misses by resourceVersion)");
        var workers = factory.CreateGauge("controller_runtime_active_workers", "Number of currently used workers per controller", new GaugeConfiguration { LabelNames = ["controller"] });

        controller.Reconciled += (_, outcome, duration) =>
        {
            var result = outcome switch
            {
                ReconcileOutcome.Success => "success",
                ReconcileOutcome.Requeue => "requeue",
                ReconcileOutcome.RequeueAfter => "requeue_after",
                _ => "error",
            };
            reconciles.WithLabels(ControllerName, result).Inc();
            if (outcome == ReconcileOutcome.Error)
            {
                errors.WithLabels(ControllerName).Inc();
            }
            time.WithLabels(ControllerName).Observe(duration.TotalSeconds);
        };
        Registry.AddBeforeCollectCallback(() =>
        {
            depth.WithLabels(ControllerName).Set(controller.Queue.Depth);
            adds.WithLabels(ControllerName).IncTo(controller.Queue.AddsTotal);
            retries.WithLabels(ControllerName).IncTo(controller.Queue.RetriesTotal);
            workers.WithLabels(ControllerName).Set(controller.ActiveWorkers);
            childWrites.IncTo(Interlocked.Read(ref state.Applier.Writes));
            childChanges.IncTo(Interlocked.Read(ref state.Applier.Changes));
            statusWrites.IncTo(Interlocked.Read(ref state.StatusWrites));
            statusConflicts.IncTo(Interlocked.Read(ref state.StatusConflicts));
            secretGets.IncTo(Interlocked.Read(ref state.SecretData.Gets));
        });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Serves /metrics on <paramref name="address"/> (host:port; empty host: every address).</summary>
    public IDisposable Serve(string address)
    {
        var (host, port) = BindAddress.Parse(address);
        var server = new MetricServer(host, port, "metrics/", Registry);
        server.Start();
        return server;
    }
}

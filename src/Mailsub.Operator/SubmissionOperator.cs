using System.Text.Json.Nodes;
using k8s;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Controllers;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Kinds;
using Mailsub.Runtime.LeaderElection;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator;

/// <summary>
/// The running operator: discovers what the server serves, starts the informers (on every
/// replica, as controller-runtime's manager does, so a standby takes over with warm caches and
/// /readyz means "synced"), and runs the reconcile workers only while it leads (or always without
/// leader election). On cancellation in-flight reconciles finish and the lease is released.
/// cert-manager may be installed after the operator starts: until its Certificates are served,
/// discovery is asked again every <see cref="OperatorOptions.DiscoveryInterval"/>, and once they
/// are, their informer starts and every submission is reconciled again (no restart needed).
/// </summary>
/// <param name="wrapTransport">Wraps the HTTP transport to the API server (tests inject faults with it).</param>
public sealed class SubmissionOperator(KubernetesClientConfiguration config, OperatorOptions options, ILoggerFactory loggers,
    Func<HttpMessageHandler, HttpMessageHandler>? wrapTransport = null)
{
    private readonly ILogger _log = loggers.CreateLogger("operator");

    /// <summary>Set once the caches exist: for tests and probes.</summary>
    public OperatorState? State { get; private set; }

    public Controller? Controller { get; private set; }

    public bool IsLeader { get; private set; }

    /// <summary>Runs until cancelled (returns 0) or until leadership is lost (returns 1: exit and restart, as controller-runtime does).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var api = ApiConnection.FromConfig(config, wrapTransport);
        var discovery = new ApiDiscovery(api);
        var pdb = await discovery.FirstServedAsync([WellKnownResources.PodDisruptionBudgetsV1, WellKnownResources.PodDisruptionBudgetsV1Beta1], cancellationToken).ConfigureAwait(false);
        var certificatesServed = await discovery.IsServedAsync(WellKnownResources.Certificates, cancellationToken).ConfigureAwait(false);
        _log.LogInformation("discovered pdb={Pdb} certificates={Certificates} namespaces={Namespaces} identity={Identity}",
            pdb?.ApiVersion ?? "none", certificatesServed ? "cert-manager.io/v1" : "none",
            options.Namespaces.Count == 0 ? "all" : string.Join(",", options.Namespaces), options.Identity);

        var informerLog = loggers.CreateLogger("informer");
        const string owned = ChildMetadata.SubmissionLabel;
        InformerSet<JsonObject> Children(JsonObjectKind kind)
        {
            var set = new InformerSet<JsonObject>(api, kind, options.Namespaces, owned, null, informerLog);
            set.AddIndex(CacheIndexes.BySubmission, CacheIndexes.SubmissionOf);
            return set;
        }
        var secrets = new InformerSet<JsonObject>(api, SubmissionKinds.Secrets, options.Namespaces, null, s =>
        {
            // Metadata only: values are read through SecretReader, for referenced Secrets only.
            s.Remove("data");
            s.Remove("stringData");
        }, informerLog);
        secrets.AddIndex(CacheIndexes.BySubmission, CacheIndexes.SubmissionOf);
        var submissions = new InformerSet<MailSubmission>(api, SubmissionKinds.Submissions, options.Namespaces, null, null, informerLog);
        submissions.AddIndex(CacheIndexes.BySecret, CacheIndexes.SecretsOf);
        var apply = new ServerSideApply(api);
        InformerSet<JsonObject>? certificates = certificatesServed ? Children(SubmissionKinds.Certificates) : null;
        InformerSet<JsonObject>? budgets = pdb is null ? null : Children(new JsonObjectKind(pdb));
        OperatorState? state = null;
        var applier = new ChildApplier(api, apply, r => state!.CacheOf(r));
        var secretReader = new SecretReader(api, secrets);
        state = new OperatorState
        {
            Options = options,
            Api = api,
            Apply = apply,
            Submissions = submissions,
            ConfigMaps = Children(SubmissionKinds.ConfigMaps),
            Secrets = secrets,
            Deployments = Children(SubmissionKinds.Deployments),
            Services = Children(SubmissionKinds.Services),
            DisruptionBudgets = budgets,
            Certificates = certificates,
            DisruptionBudgetResource = pdb,
            DisruptionBudgetVersion = pdb == WellKnownResources.PodDisruptionBudgetsV1Beta1 ? DisruptionBudgetApiVersion.V1Beta1 : DisruptionBudgetApiVersion.V1,
            Applier = applier,
            Passwords = new UserPasswords(secretReader, applier),
            SecretData = secretReader,
            Events = new EventRecorder(api, "mailsub-operator", loggers.CreateLogger("events")),
        };
        State = state;

        var reconciler = new SubmissionReconciler(state, loggers.CreateLogger("reconciler"));
        using var controller = new Controller(reconciler.ReconcileAsync,
            new ControllerOptions { Name = OperatorMetrics.ControllerName, Workers = options.Workers }, logger: loggers.CreateLogger("controller"));
        Controller = controller;
        Wire(state, controller.Queue.Add);

        var metrics = new OperatorMetrics(controller, state);
        IDisposable? metricServer = null, probes = null;
        try
        {
            metricServer = BindAddress.IsOff(options.MetricsBindAddress) ? null : metrics.Serve(options.MetricsBindAddress!);
            probes = BindAddress.IsOff(options.HealthProbeBindAddress) ? null
                : new ProbeServer(options.HealthProbeBindAddress!, () => state.Synced.All(s => s()));
        }
        catch (Exception ex) when (ex is System.Net.HttpListenerException or FormatException)
        {
            metricServer?.Dispose();
            _log.LogError("cannot serve metrics={Metrics} probes={Probes} error={Error}", options.MetricsBindAddress, options.HealthProbeBindAddress, ex.Message);
            return 2;
        }
        using var disposeMetrics = metricServer;
        using var disposeProbes = probes;

        using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sets = new List<Func<CancellationToken, Task>>
        {
            state.Submissions.RunAsync, state.ConfigMaps.RunAsync, state.Secrets.RunAsync, state.Deployments.RunAsync, state.Services.RunAsync,
        };
        if (budgets is not null) sets.Add(budgets.RunAsync);
        if (certificates is not null) sets.Add(certificates.RunAsync);
        var informers = sets.Select(run => run(stopInformers.Token)).ToList();
        if (certificates is null)
        {
            informers.Add(WatchForCertManagerAsync(discovery, state, () => Children(SubmissionKinds.Certificates), controller.Queue.Add, stopInformers.Token));
        }
        var exitCode = 0;
        try
        {
            await WaitForSyncAsync(state, cancellationToken).ConfigureAwait(false);
            _log.LogInformation("caches synced submissions={Submissions}", state.Submissions.Informers.Sum(i => i.Store.Count));
            if (!options.LeaderElect)
            {
                IsLeader = true;
                await controller.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var client = new Kubernetes(config);
                var elector = new LeaderElector(new LeaderElectionConfig
                {
                    Lock = new LeaseLock(client, options.LeaderElectionNamespace, options.LeaderElectionId),
                    Identity = options.Identity,
                    LeaseDuration = options.LeaseDuration,
                    RenewDeadline = options.RenewDeadline,
                    RetryPeriod = options.RetryPeriod,
                    OnStartedLeading = async leading =>
                    {
                        IsLeader = true;
                        _log.LogInformation("leading lease={Namespace}/{Name} identity={Identity}", options.LeaderElectionNamespace, options.LeaderElectionId, options.Identity);
                        await controller.RunAsync(leading).ConfigureAwait(false);
                    },
                    OnStoppedLeading = () =>
                    {
                        IsLeader = false;
                        _log.LogInformation("stopped leading identity={Identity}", options.Identity);
                    },
                    OnNewLeader = leader => _log.LogInformation("leader observed leader={Leader}", leader),
                }, loggers.CreateLogger("leader-election"));
                await elector.RunAsync(cancellationToken).ConfigureAwait(false);
                if (!cancellationToken.IsCancellationRequested)
                {
                    _log.LogError("leadership lost identity={Identity}: exiting", options.Identity);
                    exitCode = 1;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stopInformers.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(informers).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _log.LogInformation("stopped reconciles={Reconciles} errors={Errors}", controller.ReconcilesTotal, controller.ErrorsTotal);
        return exitCode;
    }

    private static async Task WaitForSyncAsync(OperatorState state, CancellationToken ct)
    {
        while (!state.Synced.All(s => s()))
        {
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Every change that can alter a submission's outcome enqueues it.</summary>
    private static void Wire(OperatorState state, Action<string> enqueue)
    {
        state.Submissions.AddHandler(new InformerHandler<MailSubmission>
        {
            OnAdd = s => enqueue(Key(s.Metadata.NamespaceProperty, s.Metadata.Name)),
            // Status writes of our own change only resourceVersion and status: skip them.
            OnUpdate = (old, s) =>
            {
                if (old.Metadata.Generation != s.Metadata.Generation || !SameMeta(old, s) || old.Status?.ObservedGeneration != s.Status?.ObservedGeneration
                    || (s.Status is null))
                {
                    enqueue(Key(s.Metadata.NamespaceProperty, s.Metadata.Name));
                }
            },
            OnDelete = s => enqueue(Key(s.Metadata.NamespaceProperty, s.Metadata.Name)),
        });
        foreach (var set in new[] { state.ConfigMaps, state.Deployments, state.Services, state.DisruptionBudgets, state.Certificates })
        {
            set?.AddHandler(InformerHandler<JsonObject>.Enqueue(ByOwner, enqueue));
        }
        // Secrets: our own (by owner), and the ones a submission reads (by name, through the index).
        state.Secrets.AddHandler(InformerHandler<JsonObject>.Enqueue(secret =>
        {
            var ns = JsonPath.GetString(secret, "metadata", "namespace") ?? "";
            var name = JsonPath.GetString(secret, "metadata", "name") ?? "";
            var keys = new HashSet<string>(ByOwner(secret), StringComparer.Ordinal);
            foreach (var submission in state.Submissions.ByIndex(ns, CacheIndexes.BySecret, CacheIndexes.Key(ns, name)))
            {
                keys.Add(Key(ns, submission.Metadata.Name));
            }
            return keys;
        }, enqueue));
        state.Secrets.AddHandler(new InformerHandler<JsonObject>
        {
            OnDelete = s => state.SecretData.Forget(JsonPath.GetString(s, "metadata", "namespace") ?? "", JsonPath.GetString(s, "metadata", "name") ?? ""),
        });
    }

    private static readonly Func<JsonObject, IEnumerable<string>> ByOwner =
        KeyMappers.ControllerOwner(SubmissionKinds.ConfigMaps, MailSubmission.Group, MailSubmission.KindValue);

    /// <summary>
    /// Polls discovery until cert-manager's Certificates are served, then starts their informer,
    /// publishes it once synced, and enqueues every submission (those waiting on CertManagerMissing
    /// heal). Runs until cancelled, as the informers do.
    /// </summary>
    private async Task WatchForCertManagerAsync(ApiDiscovery discovery, OperatorState state, Func<InformerSet<JsonObject>> create,
        Action<string> enqueue, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(options.DiscoveryInterval, ct).ConfigureAwait(false);
            try
            {
                if (!await discovery.IsServedAsync(WellKnownResources.Certificates, ct).ConfigureAwait(false))
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is KubeApiException or HttpRequestException or TimeoutException)
            {
                _log.LogWarning("discovery of cert-manager.io/v1 failed, retrying in {Interval}: {Error}", options.DiscoveryInterval, ex.Message);
                continue;
            }
            var certificates = create();
            certificates.AddHandler(InformerHandler<JsonObject>.Enqueue(ByOwner, enqueue));
            var run = certificates.RunAsync(ct);
            await certificates.WaitForSyncAsync(ct).ConfigureAwait(false);
            state.Certificates = certificates;
            _log.LogInformation("cert-manager.io/v1 Certificates are served now: watching them and reconciling every submission again");
            foreach (var submission in state.Submissions.Informers.SelectMany(i => i.Store.List()))
            {
                enqueue(Key(submission.Metadata.NamespaceProperty, submission.Metadata.Name));
            }
            await run.ConfigureAwait(false);
            return;
        }
    }

    private static bool SameMeta(MailSubmission a, MailSubmission b) =>
        a.Metadata.Uid == b.Metadata.Uid && a.Metadata.DeletionTimestamp == b.Metadata.DeletionTimestamp;

    private static string Key(string? ns, string name) => new ObjectKey(ns, name).ToString();
}

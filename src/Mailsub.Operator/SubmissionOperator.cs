using System.Text.Json.Nodes;
using k8s;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Controllers;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Kinds;
using Mailsub.Runtime.LeaderElection;
using Mailsub.Runtime.Memory;
using Mailsub.Runtime.Webhooks;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator;

/// <summary>
/// The running operator: discovers what the server serves, starts the informers (on every
/// replica, as controller-runtime's manager does, so a standby takes over with warm caches and
/// /readyz means "synced"), and runs the reconcile workers only while it leads (or always without
/// leader election). On cancellation in-flight reconciles finish and the lease is released.
/// A child kind served only later (cert-manager installed after the operator starts, see
/// <see cref="ChildServed.Later"/>) is asked for again every <see cref="OperatorOptions.DiscoveryInterval"/>;
/// once it is served, its informer starts and every submission is reconciled again (no restart needed).
/// </summary>
/// <param name="wrapTransport">Wraps the HTTP transport to the API server (tests inject faults with it).</param>
/// <param name="certificateClock">The self-managed webhook certificate's clock (tests move it through a CA's life).</param>
public sealed class SubmissionOperator(KubernetesClientConfiguration config, OperatorOptions options, ILoggerFactory loggers,
    Func<HttpMessageHandler, HttpMessageHandler>? wrapTransport = null, TimeProvider? certificateClock = null)
{
    private readonly ILogger _log = loggers.CreateLogger("operator");

    /// <summary>Set once the caches exist: for tests and probes.</summary>
    public OperatorState? State { get; private set; }

    public Controller? Controller { get; private set; }

    public bool IsLeader { get; private set; }

    /// <summary>The webhook's handler and where it listens, once serving.</summary>
    public SubmissionAdmission? Admission { get; private set; }

    public System.Net.IPEndPoint? WebhookEndpoint { get; private set; }

    /// <summary>The self-managed webhook certificate (<see cref="OperatorOptions.WebhookCertSecret"/>); null otherwise.</summary>
    public WebhookCertificateRotator? Certificates { get; private set; }

    /// <summary>Runs until cancelled (returns 0) or until leadership is lost (returns 1: exit and restart, as controller-runtime does).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var metrics = new OperatorMetrics();
        using var api = ApiConnection.FromConfig(config, h => metrics.RestClient.Wrap(wrapTransport?.Invoke(h) ?? h));
        var discovery = new ApiDiscovery(api);
        // Discovery (one GET per kind not always served) runs while the informers of the kinds
        // always served list: at start it cost 0.17 s before the first list began.
        var discovering = Task.WhenAll(ChildKind.All.Where(k => k.Served != ChildServed.Always).Select(async kind =>
            (Kind: kind, Resource: await discovery.FirstServedAsync(kind.Versions, cancellationToken).ConfigureAwait(false))));

        var informerLog = loggers.CreateLogger("informer");
        ChildCache Watch(ChildKind kind, ApiResource resource)
        {
            var objects = new InformerSet<JsonObject>(api, new JsonObjectKind(resource), options.Namespaces,
                kind.ReadByName ? null : ChildMetadata.SubmissionLabel, kind.Transform, informerLog);
            objects.AddIndex(CacheIndexes.BySubmission, CacheIndexes.SubmissionOf);
            return new ChildCache(kind, resource, objects);
        }
        var submissions = new InformerSet<MailSubmission>(api, SubmissionKinds.Submissions, options.Namespaces, null, null, informerLog);
        submissions.AddIndex(CacheIndexes.BySecret, CacheIndexes.SecretsOf);
        var apply = new ServerSideApply(api);
        OperatorState? state = null;
        var applier = new ChildApplier(api, apply, r => state!.CacheOf(r));
        var always = ChildKind.All.Where(k => k.Served == ChildServed.Always).Select(k => Watch(k, k.Versions[0])).ToList();
        var secretReader = new SecretReader(api, always.Single(c => c.Kind == ChildKind.Secret).Objects);
        state = new OperatorState
        {
            Options = options,
            Api = api,
            Apply = apply,
            Submissions = submissions,
            Applier = applier,
            VolumeRefresh = new PodVolumeRefresh(api),
            Passwords = new UserPasswords(secretReader, applier),
            DkimKeys = new DkimKeys(secretReader, applier),
            SecretData = secretReader,
            TlsCertificates = new TlsSecretCertificates(secretReader),
            Events = new EventRecorder(api, "mailsub-operator", loggers.CreateLogger("events")),
        };

        var reconciler = new SubmissionReconciler(state, loggers.CreateLogger("reconciler"));
        using var controller = new Controller(reconciler.ReconcileAsync,
            new ControllerOptions { Name = OperatorMetrics.ControllerName, Workers = options.Workers }, logger: loggers.CreateLogger("controller"));
        Controller = controller;
        state.Prober = options.LiveProbe ? new LiveProber(state, controller.Queue.Add, loggers.CreateLogger("probe")) : null;

        var discovered = false; // until then a kind discovered at start has no cache yet, so none can count as synced
        metrics.Observe(controller, state);
        IDisposable? metricServer = null, probes = null;
        try
        {
            metricServer = BindAddress.IsOff(options.MetricsBindAddress) ? null : metrics.Serve(options.MetricsBindAddress!);
            probes = BindAddress.IsOff(options.HealthProbeBindAddress) ? null
                : new ProbeServer(options.HealthProbeBindAddress!, () => discovered && state.HasSynced);
        }
        catch (Exception ex) when (ex is System.Net.HttpListenerException or FormatException)
        {
            metricServer?.Dispose();
            _log.LogError("cannot serve metrics={Metrics} probes={Probes} error={Error}", options.MetricsBindAddress, options.HealthProbeBindAddress, ex.Message);
            return 2;
        }
        using var disposeMetrics = metricServer;
        using var disposeProbes = probes;
        // The webhook serves from the start, on every replica, leader or not: admission must not
        // wait for a lease (with failurePolicy Fail a standby that refused to answer would block writes).
        var rotator = BindAddress.IsOff(options.WebhookBindAddress) || options.WebhookCertSecret is null ? null
            : new WebhookCertificateRotator(api, new WebhookCertificateOptions
            {
                Namespace = options.LeaderElectionNamespace,
                SecretName = options.WebhookCertSecret,
                ServiceName = options.WebhookServiceName,
                ConfigurationName = options.WebhookConfigurationName,
                CertDir = options.WebhookCertDir,
                Addresses = options.WebhookAddresses,
            }, loggers.CreateLogger("webhook-certificate"), certificateClock);
        Certificates = rotator;
        try
        {
            if (rotator is not null)
            {
                await rotator.EnsureAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is KubeApiException or HttpRequestException or IOException or UnauthorizedAccessException)
        {
            _log.LogError("cannot make or read the webhook certificate secret={Namespace}/{Name} error={Error}", options.LeaderElectionNamespace, options.WebhookCertSecret, ex.Message);
            return 2;
        }
        await using var webhook = StartWebhook(state, metrics);
        if (!BindAddress.IsOff(options.WebhookBindAddress) && webhook is null)
        {
            return 2;
        }

        // Every informer starts at once, each with its handlers (added before it runs, so they see
        // its first list); no reconcile runs before all of them have synced.
        using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var informers = new List<Task>();
        var children = new List<ChildCache>();
        var exitCode = 0;
        try
        {
            void Start(ChildCache child)
            {
                WireChild(state, child, controller.Queue.Add);
                state.Publish(child);
                children.Add(child);
                informers.Add(child.Objects.RunAsync(stopInformers.Token));
            }
            if (rotator is not null)
            {
                informers.Add(rotator.RunAsync(() => IsLeader, stopInformers.Token));
            }
            WireSubmissions(state, controller.Queue.Add);
            informers.Add(submissions.RunAsync(stopInformers.Token));
            informers.Add(IdleMemoryTrimmer.RunAsync(() => controller.Queue.Depth == 0 && controller.Queue.Processing == 0,
                committed => _log.LogDebug("returned idle memory gc_committed_bytes={Committed}", committed), stopInformers.Token));
            foreach (var child in always)
            {
                Start(child);
            }
            var served = (await discovering.ConfigureAwait(false)).ToDictionary(d => d.Kind, d => d.Resource);
            foreach (var kind in ChildKind.All.Where(served.ContainsKey))
            {
                if (served[kind] is { } resource)
                {
                    Start(Watch(kind, resource));
                }
                else if (kind.Served == ChildServed.Later)
                {
                    informers.Add(WatchForLaterAsync(discovery, state, kind, Watch, controller.Queue.Add, stopInformers.Token));
                }
            }
            State = state;
            discovered = true;
            _log.LogInformation("discovered pdb={Pdb} certificates={Certificates} namespaces={Namespaces} identity={Identity}",
                served[ChildKind.DisruptionBudget]?.ApiVersion ?? "none", served[ChildKind.Certificate]?.ApiVersion ?? "none",
                options.Namespaces.Count == 0 ? "all" : string.Join(",", options.Namespaces), options.Identity);
            await Task.WhenAll(children.Select(c => c.Objects.WaitForSyncAsync(cancellationToken)).Append(submissions.WaitForSyncAsync(cancellationToken)))
                .ConfigureAwait(false);
            _log.LogInformation("caches synced submissions={Submissions}", state.Submissions.Informers.Sum(i => i.Store.Count));
            if (!options.LeaderElect)
            {
                IsLeader = true;
                await RunLeadingAsync(state, controller, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var elector = new LeaderElector(new LeaderElectionConfig
                {
                    Lock = new LeaseLock(api, options.LeaderElectionNamespace, options.LeaderElectionId),
                    Identity = options.Identity,
                    LeaseDuration = options.LeaseDuration,
                    RenewDeadline = options.RenewDeadline,
                    RetryPeriod = options.RetryPeriod,
                    OnStartedLeading = async leading =>
                    {
                        IsLeader = true;
                        _log.LogInformation("leading lease={Namespace}/{Name} identity={Identity}", options.LeaderElectionNamespace, options.LeaderElectionId, options.Identity);
                        await RunLeadingAsync(state, controller, leading).ConfigureAwait(false);
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

    /// <summary>The leader's work: the reconcile workers, and beside them the live probe of what they applied.</summary>
    private static async Task RunLeadingAsync(OperatorState state, Controller controller, CancellationToken leading)
    {
        using var stopProbe = CancellationTokenSource.CreateLinkedTokenSource(leading);
        var probing = state.Prober?.RunAsync(stopProbe.Token) ?? Task.CompletedTask;
        try
        {
            await controller.RunAsync(leading).ConfigureAwait(false);
        }
        finally
        {
            await stopProbe.CancelAsync().ConfigureAwait(false);
            await probing.ConfigureAwait(false);
        }
    }

    /// <summary>The admission webhook (<see cref="SubmissionAdmission"/>) when asked for; null when off or when it cannot listen (logged).</summary>
    private HttpsServer? StartWebhook(OperatorState state, OperatorMetrics metrics)
    {
        if (BindAddress.IsOff(options.WebhookBindAddress))
        {
            return null;
        }
        var admission = new SubmissionAdmission(state.TlsCertificates.ReadAsync, loggers.CreateLogger("webhook"));
        try
        {
            var certificate = new ServingCertificate(options.WebhookCertDir);
            certificate.Current(); // a missing or broken pair fails the start, not every handshake
            var server = new HttpsServer(BindAddress.Endpoint(options.WebhookBindAddress!), certificate, admission.HandleAsync);
            metrics.ObserveWebhook(admission, server, certificate);
            Admission = admission;
            WebhookEndpoint = server.Endpoint;
            _log.LogInformation("serving admission webhook address={Address} path={Path} certificates={Dir}", server.Endpoint, SubmissionAdmission.Path, options.WebhookCertDir);
            return server;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or FormatException
            or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            _log.LogError("cannot serve the admission webhook address={Address} certificates={Dir} error={Error}", options.WebhookBindAddress, options.WebhookCertDir, ex.Message);
            return null;
        }
    }

    /// <summary>Every change of a submission that can alter its outcome enqueues it (its children's: <see cref="WireChild"/>).</summary>
    private static void WireSubmissions(OperatorState state, Action<ObjectKey> enqueue)
    {
        state.Submissions.AddHandler(new InformerHandler<MailSubmission>
        {
            OnAdd = s => enqueue(KeyOf(s)),
            // Status writes of our own change only resourceVersion and status: skip them.
            OnUpdate = (old, s) =>
            {
                if (old.Metadata.Generation != s.Metadata.Generation || !SameMeta(old, s) || old.Status?.ObservedGeneration != s.Status?.ObservedGeneration
                    || (s.Status is null))
                {
                    enqueue(KeyOf(s));
                }
            },
            OnDelete = s =>
            {
                // The garbage collector deletes the children through their owner references.
                state.Applier.Forget(s.Metadata.Uid);
                state.VolumeRefresh.Forget(KeyOf(s));
                state.Prober?.Forget(KeyOf(s));
                enqueue(KeyOf(s));
            },
        });
    }

    /// <summary>A child's events reach its controller owner, and for a kind read by name every submission that reads it.</summary>
    private static void WireChild(OperatorState state, ChildCache child, Action<ObjectKey> enqueue)
    {
        var owner = KeyMappers.ControllerOwner(child.Objects.Kind, MailSubmission.Group, MailSubmission.KindValue);
        if (child.Kind == ChildKind.Secret)
        {
            // Forget the values kept of a deleted Secret.
            child.Objects.AddHandler(new InformerHandler<JsonObject>
            {
                OnDelete = s => state.SecretData.Forget(JsonPath.GetString(s, "metadata", "namespace") ?? "", JsonPath.GetString(s, "metadata", "name") ?? ""),
            });
        }
        if (!child.Kind.ReadByName)
        {
            child.Objects.AddHandler(InformerHandler<JsonObject>.Enqueue(owner, enqueue));
            return;
        }
        child.Objects.AddHandler(InformerHandler<JsonObject>.Enqueue(obj =>
        {
            var ns = JsonPath.GetString(obj, "metadata", "namespace") ?? "";
            var name = JsonPath.GetString(obj, "metadata", "name") ?? "";
            var keys = owner(obj).ToList();
            foreach (var submission in state.Submissions.ByIndex(ns, CacheIndexes.BySecret, CacheIndexes.Key(ns, name)))
            {
                if (!keys.Contains(KeyOf(submission)))
                {
                    keys.Add(KeyOf(submission)); // a submission's own generated-passwords Secret is both
                }
            }
            return keys;
        }, enqueue));
    }

    /// <summary>
    /// Polls discovery until <paramref name="kind"/> is served, then starts its informer, publishes
    /// it once synced, and enqueues every submission (those waiting on it, e.g. CertManagerMissing,
    /// heal). Runs until cancelled, as the informers do.
    /// </summary>
    private async Task WatchForLaterAsync(ApiDiscovery discovery, OperatorState state, ChildKind kind,
        Func<ChildKind, ApiResource, ChildCache> watch, Action<ObjectKey> enqueue, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(options.DiscoveryInterval, ct).ConfigureAwait(false);
            ApiResource? resource;
            try
            {
                resource = await discovery.FirstServedAsync(kind.Versions, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is KubeApiException or HttpRequestException or TimeoutException)
            {
                // The resource is in the text, not a placeholder: KeyValueLogger's msg ends at the first placeholder.
                _log.LogWarning($"discovery of {kind.Versions[0].ApiVersion} failed, retrying in {{Interval}}: {{Error}}", options.DiscoveryInterval, ex.Message);
                continue;
            }
            if (resource is null)
            {
                continue;
            }
            var child = watch(kind, resource);
            WireChild(state, child, enqueue);
            var run = child.Objects.RunAsync(ct);
            await child.Objects.WaitForSyncAsync(ct).ConfigureAwait(false);
            state.Publish(child);
            // As above: KeyValueLogger's msg ends at the first placeholder.
            _log.LogInformation($"{resource.ApiVersion} {resource.Kind}s are served now: watching them and reconciling every submission again");
            foreach (var submission in state.Submissions.Informers.SelectMany(i => i.Store.List()))
            {
                enqueue(KeyOf(submission));
            }
            await run.ConfigureAwait(false);
            return;
        }
    }

    private static bool SameMeta(MailSubmission a, MailSubmission b) =>
        a.Metadata.Uid == b.Metadata.Uid && a.Metadata.DeletionTimestamp == b.Metadata.DeletionTimestamp;

    private static ObjectKey KeyOf(MailSubmission s) => new(s.Metadata.NamespaceProperty, s.Metadata.Name);
}

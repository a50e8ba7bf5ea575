using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Mailsub.Operator;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Benchmarks.Controller;

/// <summary>
/// The bench's own watches on one phase's namespace, the same in every phase: when each
/// MailSubmission first shows Ready=True for its generation, and every change (a new
/// resourceVersion: create, update, delete) of the MailSubmissions, their child kinds and Events,
/// counted while a window is open. In an operator phase it also plays the kubelet
/// (<see cref="StandInKubelet"/>) on the Deployments it sees.
/// </summary>
public sealed class NamespaceWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly List<Func<CancellationToken, Task>> _syncs = [];
    private readonly ConcurrentDictionary<string, double> _readyAt = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, long> _changes = new(StringComparer.Ordinal);
    private readonly int _expected;
    private volatile bool _counting;

    /// <summary>The clock Ready times are read from; the phase starts it when its work starts.</summary>
    public Stopwatch Clock { get; } = new();

    public NamespaceWatch(ApiConnection api, string ns, int expected, ApiResource disruptionBudgets, StandInKubelet? kubelet)
    {
        _expected = expected;
        var options = new InformerOptions { Namespace = ns };
        var submissions = new Informer<JsonObject>(api, SubmissionKinds.SubmissionsJson, options);
        submissions.AddHandler(new InformerHandler<JsonObject> { OnAdd = CheckReady, OnUpdate = (_, s) => CheckReady(s) });
        Add(submissions, "mailsubmissions");
        var deployments = new Informer<JsonObject>(api, new JsonObjectKind(WellKnownResources.Deployments), options);
        if (kubelet is not null)
        {
            deployments.AddHandler(new InformerHandler<JsonObject> { OnAdd = kubelet.Saw, OnUpdate = (_, d) => kubelet.Saw(d) });
        }
        Add(deployments, "deployments");
        Add(new Informer<JsonObject>(api, new JsonObjectKind(WellKnownResources.ConfigMaps), options), "configmaps");
        Add(new Informer<JsonObject>(api, new JsonObjectKind(WellKnownResources.Secrets), options) { Transform = s => s.Remove("data") }, "secrets");
        Add(new Informer<JsonObject>(api, new JsonObjectKind(WellKnownResources.Services), options), "services");
        Add(new Informer<JsonObject>(api, new JsonObjectKind(disruptionBudgets), options), "poddisruptionbudgets");
        Add(new Informer<JsonObject>(api, new JsonObjectKind(WellKnownResources.Events), options), "events");
    }

    private void Add(Informer<JsonObject> informer, string kind)
    {
        informer.AddHandler(new InformerHandler<JsonObject>
        {
            OnAdd = _ => Count(kind),
            OnUpdate = (old, now) =>
            {
                if (JsonPath.GetString(old, "metadata", "resourceVersion") != JsonPath.GetString(now, "metadata", "resourceVersion"))
                {
                    Count(kind);
                }
            },
            OnDelete = _ => Count(kind),
        });
        _running.Add(informer.RunAsync(_stop.Token));
        _syncs.Add(informer.WaitForSyncAsync);
    }

    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var sync in _syncs)
        {
            await sync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Completes when every expected MailSubmission has been seen Ready.</summary>
    public Task AllReady => _allReady.Task;

    public int ReadyCount => _readyAt.Count;

    /// <summary>Seconds on <see cref="Clock"/> when the last one became Ready.</summary>
    public double LastReadySeconds => _readyAt.Values.DefaultIfEmpty(double.NaN).Max();

    private void CheckReady(JsonObject submission)
    {
        var conditions = submission["status"]?["conditions"] as JsonArray;
        var ready = conditions?.FirstOrDefault(c => JsonPath.GetString(c, "type") == "Ready");
        var generation = JsonPath.GetInt64(submission, "metadata", "generation");
        if (JsonPath.GetString(ready, "status") != "True" || JsonPath.GetInt64(submission, "status", "observedGeneration") != generation)
        {
            return;
        }
        var name = JsonPath.GetString(submission, "metadata", "name")!;
        if (_readyAt.TryAdd(name, Clock.Elapsed.TotalSeconds) && _readyAt.Count >= _expected)
        {
            _allReady.TrySetResult();
        }
    }

    private void Count(string kind)
    {
        if (_counting)
        {
            _changes.AddOrUpdate(kind, 1, (_, n) => n + 1);
        }
    }

    /// <summary>Counts changes from now on, from zero.</summary>
    public void OpenWindow()
    {
        _changes.Clear();
        _counting = true;
    }

    /// <summary>Stops counting; returns the changes seen by kind.</summary>
    public IReadOnlyDictionary<string, long> CloseWindow()
    {
        _counting = false;
        return new Dictionary<string, long>(_changes, StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_running).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}

/// <summary>
/// What a kubelet and the Deployment controller would report once the pods run: no kubelet runs
/// against the bench's API server (and no kube-controller-manager, so nothing else writes a
/// Deployment's status). The operator phase patches each Deployment it sees with a generation its
/// status has not observed; the floor sends the same patch in its loop.
/// </summary>
public sealed class StandInKubelet : IAsyncDisposable
{
    private readonly BenchApi _api;
    private readonly Channel<(string Namespace, string Name, long Generation, long Replicas)> _work =
        Channel.CreateUnbounded<(string, string, long, long)>();
    private readonly ConcurrentDictionary<(string, string), long> _patched = new();
    private readonly Task[] _workers;

    public StandInKubelet(BenchApi api, int concurrency)
    {
        _api = api;
        _workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    public long Patches;

    /// <summary>From the Deployment informer's loop: queue a patch if the status lags the generation.</summary>
    public void Saw(JsonObject deployment)
    {
        var ns = JsonPath.GetString(deployment, "metadata", "namespace")!;
        var name = JsonPath.GetString(deployment, "metadata", "name")!;
        var generation = JsonPath.GetInt64(deployment, "metadata", "generation") ?? 0;
        if (JsonPath.GetInt64(deployment, "status", "observedGeneration") == generation
            || (_patched.TryGetValue((ns, name), out var done) && done >= generation))
        {
            return;
        }
        _patched[(ns, name)] = generation;
        _work.Writer.TryWrite((ns, name, generation, JsonPath.GetInt64(deployment, "spec", "replicas") ?? 1));
    }

    private async Task WorkAsync()
    {
        await foreach (var (ns, name, generation, replicas) in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await PatchAsync(_api, ns, name, generation, replicas, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref Patches);
        }
    }

    /// <summary>The status patch: every replica updated, ready and available, condition Available=True.</summary>
    public static Task PatchAsync(BenchApi api, string ns, string name, long generation, long replicas, CancellationToken ct)
    {
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var patch = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["observedGeneration"] = generation,
                ["replicas"] = replicas,
                ["updatedReplicas"] = replicas,
                ["readyReplicas"] = replicas,
                ["availableReplicas"] = replicas,
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Available", ["status"] = "True", ["reason"] = "MinimumReplicasAvailable",
                    ["message"] = "Deployment has minimum availability.", ["lastUpdateTime"] = now, ["lastTransitionTime"] = now,
                }),
            },
        };
        return api.SendAsync(HttpMethod.Patch, $"{WellKnownResources.Deployments.ObjectPath(ns, name)}/status", patch,
            "application/merge-patch+json", ct: ct);
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }
}

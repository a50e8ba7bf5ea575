using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Mailsub.Core.Builders;
using Mailsub.Core.Probe;
using Mailsub.Core.Validation;
using Mailsub.Postfix;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator;

/// <summary>
/// Probes the running service of every submission the leader reconciled: soon after each applied
/// change (once the Deployment is available), then every <see cref="OperatorOptions.ProbeInterval"/>
/// with ±20 % jitter (so submissions applied together do not probe together), at most
/// <see cref="OperatorOptions.ProbeConcurrency"/> at a time, every step under a timeout
/// (<see cref="ProbeTimeouts"/>). A result that differs from the last one enqueues the submission,
/// whose reconcile turns it into the LiveProbe condition (and Ready, and an Event); an unchanged
/// result enqueues nothing, so an idle operator still writes nothing.
/// </summary>
public sealed class LiveProber(OperatorState state, Action<ObjectKey> enqueue, ILogger logger)
{
    /// <summary>After an applied change, the pods get a moment to load it (the entrypoint polls its mounts every 500 ms).</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<ObjectKey, Entry> _entries = new();

    /// <summary>Raised after each probe of a submission: its result and how long it took (metrics).</summary>
    public event Action<LiveProbeResult, TimeSpan>? Probed;

    private OperatorOptions Options => state.Options;

    /// <summary>Submissions whose last probe failed (a gauge).</summary>
    public int Failing => _entries.Values.Count(e => e.Result?.Failed == true);

    /// <summary>The last result for this submission (this UID), or null when none ran.</summary>
    public LiveProbeResult? ResultFor(ObjectKey key, string? uid) =>
        _entries.TryGetValue(key, out var e) && e.Uid == uid ? e.Result : null;

    /// <summary>
    /// What a reconcile found after applying: the listeners to probe and whether the Deployment is
    /// available. A configuration not probed yet is due after <see cref="Settle"/>.
    /// </summary>
    public void Observe(ObjectKey key, string? uid, string configHash, ValidSubmission valid, bool available)
    {
        var now = DateTime.UtcNow;
        var entry = _entries.AddOrUpdate(key, _ => new Entry(uid), (_, e) => e.Uid == uid ? e : new Entry(uid));
        lock (entry)
        {
            entry.Plan = new Plan(valid.Namespace, ChildNames.Service(valid), ChildNames.TlsSecret(valid), configHash, ListenerProbe.For(valid));
            entry.Available = available;
            if (entry.Result?.ConfigHash != configHash && entry.PlannedHash != configHash)
            {
                entry.PlannedHash = configHash;
                entry.Due = now + Settle;
            }
        }
    }

    public void Forget(ObjectKey key) => _entries.TryRemove(key, out _);

    /// <summary>Runs until cancelled (the leader's term): starts each due probe, never more than the concurrency at once.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(Options.ProbeConcurrency);
        var running = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                running.RemoveAll(t => t.IsCompleted);
                var now = DateTime.UtcNow;
                foreach (var (key, entry) in _entries)
                {
                    Plan? plan;
                    lock (entry)
                    {
                        if (entry.Running || !entry.Available || entry.Plan is null || entry.Due > now)
                        {
                            continue;
                        }
                        if (!slots.Wait(0))
                        {
                            break; // the rest wait for the next tick
                        }
                        entry.Running = true;
                        plan = entry.Plan;
                    }
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await ProbeAsync(key, entry, plan, ct).ConfigureAwait(false);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None));
                }
                await Task.Delay(Tick, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task ProbeAsync(ObjectKey key, Entry entry, Plan plan, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        LiveProbeResult? result = null;
        try
        {
            var certificate = await CertificateSha256Async(plan, ct).ConfigureAwait(false);
            var service = state.Services.Get(plan.Namespace, plan.Service);
            var seen = new List<(ListenerProbe, ListenerObservation)>();
            foreach (var probe in plan.Listeners)
            {
                var observation = Target(plan, probe.Listener.Port, service) is { } target
                    ? await SmtpProbeClient.ProbeAsync(probe, target.Host, target.Port, Options.ProbeTimeouts, ct).ConfigureAwait(false)
                    : new ListenerObservation { ConnectError = $"Service {plan.Namespace}/{plan.Service} has no cluster IP" };
                seen.Add((probe, observation));
            }
            result = LiveProbeResult.Judge(plan.ConfigHash, seen, certificate);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The TLS Secret unreadable (API errors), or anything the client did not foresee: no
            // result this time (the condition keeps the last one), and the schedule goes on.
            logger.LogWarning("live probe failed to run object={Object} error={Error}", key, e.Message);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        bool changed;
        lock (entry)
        {
            entry.Running = false;
            // ±20 %: submissions applied together drift apart.
            entry.Due = DateTime.UtcNow + Options.ProbeInterval * (0.8 + (0.4 * Random.Shared.NextDouble()));
            if (result is null)
            {
                return;
            }
            var before = entry.Result;
            changed = before is null || before.ConfigHash != result.ConfigHash || before.Status != result.Status || before.Reason != result.Reason
                      || before.Message != result.Message;
            entry.Result = result;
        }
        Probed?.Invoke(result, elapsed);
        logger.LogInformation("live probe object={Object} status={Status} reason={Reason} duration_ms={DurationMs} changed={Changed}",
            key, result.Status, result.Reason, (int)elapsed.TotalMilliseconds, changed);
        if (changed && _entries.ContainsKey(key))
        {
            enqueue(key);
        }
    }

    /// <summary>
    /// Where a listener is reached: a --probe-target for the Service (with this port or for every
    /// port), else the Service's cluster IP and the listener's port (the Service exposes the same numbers).
    /// </summary>
    private (string Host, int Port)? Target(Plan plan, int port, System.Text.Json.Nodes.JsonObject? service)
    {
        var name = $"{plan.Namespace}/{plan.Service}";
        if (Options.ProbeTargets.TryGetValue($"{name}:{port}", out var exact))
        {
            return ProbeTargetParser.HostPort(exact, port);
        }
        if (Options.ProbeTargets.TryGetValue(name, out var host))
        {
            return ProbeTargetParser.HostPort(host, port);
        }
        var ip = JsonPath.GetString(service, "spec", "clusterIP");
        return ip is null or "" or "None" ? null : (ip, port);
    }

    /// <summary>The TLS Secret's tls.crt fingerprint (only that key is read: the private key stays out of the operator).</summary>
    private async Task<string?> CertificateSha256Async(Plan plan, CancellationToken ct)
    {
        if (plan.TlsSecret is null)
        {
            return null;
        }
        var data = await state.SecretData.ReadAsync(plan.Namespace, plan.TlsSecret, ct, only: TlsFiles.Certificate).ConfigureAwait(false);
        return data is not null && data.TryGetValue(TlsFiles.Certificate, out var pem) ? ListenerProbe.CertificateSha256(Encoding.ASCII.GetString(pem)) : null;
    }

    private sealed record Plan(string Namespace, string Service, string? TlsSecret, string ConfigHash, IReadOnlyList<ListenerProbe> Listeners);

    /// <summary>One submission's schedule and last result; guarded by locking it.</summary>
    private sealed class Entry(string? uid)
    {
        public string? Uid { get; } = uid;
        public Plan? Plan { get; set; }
        public bool Available { get; set; }
        public bool Running { get; set; }
        public DateTime Due { get; set; }
        public string? PlannedHash { get; set; }
        public LiveProbeResult? Result { get; set; }
    }
}

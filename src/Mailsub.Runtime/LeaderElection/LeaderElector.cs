using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mailsub.Runtime.LeaderElection;

public sealed record LeaderElectionConfig
{
    public required ILeaseLock Lock { get; init; }

    /// <summary>This candidate's name in the lease (e.g. the pod name).</summary>
    public required string Identity { get; init; }

    /// <summary>How long a standby waits, from the last change it saw, before taking the lease (15 s).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps retrying a failed renewal before it stops leading (10 s).</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Between tries (2 s; acquiring adds up to 1.2 x this of jitter).</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>On a graceful stop, hand the lease back (holder empty, 1 s) so a standby takes over at once.</summary>
    public bool ReleaseOnCancel { get; init; } = true;

    /// <summary>Runs while leading; its token is cancelled when leadership ends. Should return promptly then.</summary>
    public required Func<CancellationToken, Task> OnStartedLeading { get; init; }

    /// <summary>After leading ended (lease lost, or stop), once <see cref="OnStartedLeading"/> has returned.</summary>
    public Action? OnStoppedLeading { get; init; }

    /// <summary>When a different leader is observed (including the first, and this candidate).</summary>
    public Action<string>? OnNewLeader { get; init; }
}

/// <summary>
/// client-go's leader election over a lock: acquire (retry every RetryPeriod with jitter until the
/// lease is free or expired by local observation), lead while renewing every RetryPeriod, stop
/// leading when a renewal has not succeeded within RenewDeadline, and on a graceful stop release
/// the lease. A standby judges expiry by when it last saw the record change (its own clock), as
/// client-go does, never by the leader's timestamps, so clock skew does not matter.
/// </summary>
public sealed class LeaderElector
{
    private const double JitterFactor = 1.2;

    private readonly LeaderElectionConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private LeaderElectionRecord? _observedRecord;
    private DateTimeOffset _observedTime;
    private string? _reportedLeader;

    public LeaderElector(LeaderElectionConfig config, ILogger? logger = null, TimeProvider? timeProvider = null, Random? random = null)
    {
        if (config.LeaseDuration <= config.RenewDeadline)
        {
            throw new ArgumentException("LeaseDuration must be greater than RenewDeadline.", nameof(config));
        }
        if (config.RenewDeadline <= TimeSpan.FromTicks((long)(JitterFactor * config.RetryPeriod.Ticks)))
        {
            throw new ArgumentException("RenewDeadline must be greater than RetryPeriod x 1.2.", nameof(config));
        }
        ArgumentException.ThrowIfNullOrEmpty(config.Identity);
        _config = config;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _random = random ?? Random.Shared;
    }

    /// <summary>The holder last observed (empty: none).</summary>
    public string Leader => _observedRecord?.HolderIdentity ?? "";

    public bool IsLeader => _observedRecord?.HolderIdentity == _config.Identity;

    /// <summary>
    /// Campaigns until leading, leads until the lease is lost or <paramref name="cancellationToken"/>
    /// is cancelled, then returns. Returns false if it never led. Run again to campaign again
    /// (after a lost lease most operators exit instead).
    /// </summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        if (!await AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => _config.OnStartedLeading(leading.Token), CancellationToken.None);
        using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // Work that ends by itself ends the term too.
            _ = work.ContinueWith(static (_, cts) => { try { ((CancellationTokenSource)cts!).Cancel(); } catch (ObjectDisposedException) { } },
                renewing, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await RenewAsync(renewing.Token).ConfigureAwait(false);
        }

        await leading.CancelAsync().ConfigureAwait(false);
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "leader election {Lock}: the leading work failed", _config.Lock.Describe());
        }
        catch (OperationCanceledException)
        {
        }

        if (_config.ReleaseOnCancel && IsLeader)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
        try
        {
            _config.OnStoppedLeading?.Invoke();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "leader election {Lock}: OnStoppedLeading failed", _config.Lock.Describe());
        }
        return true;
    }

    private async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("leader election {Lock}: {Identity} campaigning", _config.Lock.Describe(), _config.Identity);
        while (!cancellationToken.IsCancellationRequested)
        {
            var acquired = await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false);
            ReportTransition();
            if (acquired)
            {
                _logger.LogInformation("leader election {Lock}: {Identity} is the leader", _config.Lock.Describe(), _config.Identity);
                return true;
            }
            var wait = _config.RetryPeriod + TimeSpan.FromTicks((long)(_config.RetryPeriod.Ticks * JitterFactor * _random.NextDouble()));
            if (!await DelayAsync(wait, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }
        return false;
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var deadline = _time.GetUtcNow() + _config.RenewDeadline;
            var renewed = false;
            while (!cancellationToken.IsCancellationRequested)
            {
                var remaining = deadline - _time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }
                using (var attempt = new CancellationTokenSource(remaining, _time))
                using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), attempt))
                {
                    renewed = await TryAcquireOrRenewAsync(attempt.Token).ConfigureAwait(false);
                }
                if (renewed || cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                var pause = deadline - _time.GetUtcNow();
                if (!await DelayAsync(pause < _config.RetryPeriod ? pause : _config.RetryPeriod, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
            ReportTransition();
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            if (!renewed)
            {
                _logger.LogWarning("leader election {Lock}: {Identity} could not renew within {Deadline}; stopping leading",
                    _config.Lock.Describe(), _config.Identity, _config.RenewDeadline);
                return;
            }
            if (!await DelayAsync(_config.RetryPeriod, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>One round of client-go's tryAcquireOrRenew. IO failures count as "not now".</summary>
    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var desired = new LeaderElectionRecord(_config.Identity, (int)_config.LeaseDuration.TotalSeconds, now, now, 0);
        try
        {
            var old = await _config.Lock.GetAsync(cancellationToken).ConfigureAwait(false);
            if (old is null)
            {
                if (!await _config.Lock.CreateAsync(desired, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
                Observe(desired, _time.GetUtcNow());
                return true;
            }

            if (old != _observedRecord)
            {
                Observe(old, _time.GetUtcNow());
            }
            if (!LeaseRules.MayTake(old, _observedTime, now, _config.LeaseDuration, _config.Identity))
            {
                return false;
            }

            desired = LeaseRules.Next(desired, old, _config.Identity);
            if (!await _config.Lock.UpdateAsync(desired, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
            Observe(desired, _time.GetUtcNow());
            return true;
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException)
            {
                _logger.LogWarning("leader election {Lock}: {Error}", _config.Lock.Describe(), ex.Message);
            }
            return false;
        }
    }

    private async Task ReleaseAsync()
    {
        var now = _time.GetUtcNow();
        var released = new LeaderElectionRecord("", 1, now, now, _observedRecord?.LeaderTransitions ?? 0);
        try
        {
            using var timeout = new CancellationTokenSource(_config.RenewDeadline, _time);
            for (var attempt = 0; attempt < 2; attempt++)
            {
                // A renewal cut off by the stop may have been written without our seeing the
                // answer: on a conflict, read again and release if the lease is still ours.
                if (attempt > 0 && (await _config.Lock.GetAsync(timeout.Token).ConfigureAwait(false))?.HolderIdentity != _config.Identity)
                {
                    return;
                }
                if (await _config.Lock.UpdateAsync(released, timeout.Token).ConfigureAwait(false))
                {
                    Observe(released, _time.GetUtcNow());
                    _logger.LogInformation("leader election {Lock}: {Identity} released the lease", _config.Lock.Describe(), _config.Identity);
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning("leader election {Lock}: release failed: {Error}", _config.Lock.Describe(), ex.Message);
        }
    }

    private void Observe(LeaderElectionRecord record, DateTimeOffset at)
    {
        _observedRecord = record;
        _observedTime = at;
    }

    private void ReportTransition()
    {
        var leader = Leader;
        if (leader == _reportedLeader)
        {
            return;
        }
        _reportedLeader = leader;
        try
        {
            _config.OnNewLeader?.Invoke(leader);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "leader election {Lock}: OnNewLeader failed", _config.Lock.Describe());
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>The pure decisions of tryAcquireOrRenew, apart from the IO.</summary>
internal static class LeaseRules
{
    /// <summary>
    /// May <paramref name="identity"/> write the lease? Yes if it holds it, if nobody does, or if
    /// the record has not changed for a lease duration since this candidate first saw it.
    /// </summary>
    public static bool MayTake(LeaderElectionRecord current, DateTimeOffset observedTime, DateTimeOffset now, TimeSpan leaseDuration, string identity) =>
        current.HolderIdentity.Length == 0
        || current.HolderIdentity == identity
        || observedTime + leaseDuration <= now;

    /// <summary>The record to write: a renewal keeps the acquire time and count; a takeover counts a transition.</summary>
    public static LeaderElectionRecord Next(LeaderElectionRecord desired, LeaderElectionRecord current, string identity) =>
        current.HolderIdentity == identity
            ? desired with { AcquireTime = current.AcquireTime, LeaderTransitions = current.LeaderTransitions }
            : desired with { LeaderTransitions = current.LeaderTransitions + 1 };
}

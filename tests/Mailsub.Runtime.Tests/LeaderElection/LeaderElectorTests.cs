using Mailsub.Runtime.LeaderElection;
using Microsoft.Extensions.Time.Testing;

namespace Mailsub.Runtime.Tests.LeaderElection;

public sealed class LeaderElectorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeLeaseStore _store = new();

    private LeaderElector Elector(string identity, Func<CancellationToken, Task>? work = null, List<string>? leaders = null,
        Action? stopped = null, bool release = true) =>
        new(new LeaderElectionConfig
        {
            Lock = new FakeLeaseLock(_store),
            Identity = identity,
            ReleaseOnCancel = release,
            OnStartedLeading = work ?? (ct => Task.Delay(Timeout.Infinite, ct)),
            OnStoppedLeading = stopped,
            OnNewLeader = leaders is null ? null : leaders.Add,
        }, timeProvider: _time, random: new Random(1));

    [Fact]
    public async Task TheFirstCandidateCreatesTheLease()
    {
        var elector = Elector("a");
        Assert.True(await elector.TryAcquireOrRenewAsync(default));

        Assert.True(elector.IsLeader);
        Assert.Equal("a", _store.Record!.HolderIdentity);
        Assert.Equal(15, _store.Record.LeaseDurationSeconds);
        Assert.Equal(_time.GetUtcNow(), _store.Record.AcquireTime);
        Assert.Equal(0, _store.Record.LeaderTransitions);
    }

    [Fact]
    public async Task ALeaseHeldByAnotherIsTakenOnlyAfterItStaysUnchangedForTheLeaseDuration()
    {
        var a = Elector("a");
        var b = Elector("b");
        await a.TryAcquireOrRenewAsync(default);

        Assert.False(await b.TryAcquireOrRenewAsync(default)); // first sight starts b's clock
        Assert.Equal("a", b.Leader);
        _time.Advance(TimeSpan.FromSeconds(14.9));
        Assert.False(await b.TryAcquireOrRenewAsync(default));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(await b.TryAcquireOrRenewAsync(default));

        Assert.Equal("b", _store.Record!.HolderIdentity);
        Assert.Equal(1, _store.Record.LeaderTransitions);
        Assert.Equal(_time.GetUtcNow(), _store.Record.AcquireTime);
    }

    [Fact]
    public async Task ARenewalResetsTheStandbysClock()
    {
        var a = Elector("a");
        var b = Elector("b");
        await a.TryAcquireOrRenewAsync(default);
        await b.TryAcquireOrRenewAsync(default);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await a.TryAcquireOrRenewAsync(default)); // renew: new renewTime
        Assert.False(await b.TryAcquireOrRenewAsync(default)); // b sees a change: clock restarts
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(await b.TryAcquireOrRenewAsync(default)); // 20 s since a's first write, 10 since its renewal
        Assert.Equal("a", _store.Record!.HolderIdentity);
    }

    [Fact]
    public async Task ARenewalKeepsTheAcquireTimeAndTransitions()
    {
        var a = Elector("a");
        await a.TryAcquireOrRenewAsync(default);
        var acquired = _store.Record!.AcquireTime;
        _time.Advance(TimeSpan.FromSeconds(2));
        await a.TryAcquireOrRenewAsync(default);

        Assert.Equal(acquired, _store.Record!.AcquireTime);
        Assert.Equal(_time.GetUtcNow(), _store.Record.RenewTime);
        Assert.Equal(0, _store.Record.LeaderTransitions);
    }

    [Fact]
    public async Task OfTwoWritersOfTheSameVersionOnlyOneWins()
    {
        var a = Elector("a");
        var b = Elector("b");
        await a.TryAcquireOrRenewAsync(default);
        _store.Record = _store.Record! with { HolderIdentity = "" }; // released: free for both
        _store.Version++;

        var lockA = new FakeLeaseLock(_store);
        var lockB = new FakeLeaseLock(_store);
        await lockA.GetAsync(default);
        await lockB.GetAsync(default);
        Assert.True(await lockA.UpdateAsync(_store.Record with { HolderIdentity = "a" }, default));
        Assert.False(await lockB.UpdateAsync(_store.Record with { HolderIdentity = "b" }, default)); // 409
    }

    [Fact]
    public async Task AReleasedLeaseIsTakenAtOnce()
    {
        var b = Elector("b");
        _store.Record = new LeaderElectionRecord("", 1, _time.GetUtcNow(), _time.GetUtcNow(), 3);
        Assert.True(await b.TryAcquireOrRenewAsync(default));
        Assert.Equal(4, _store.Record!.LeaderTransitions);
    }

    [Fact]
    public async Task LeadsUntilStoppedThenReleasesTheLease()
    {
        var leading = new TaskCompletionSource();
        var workEnded = false;
        var stoppedLeading = false;
        var leaders = new List<string>();
        var elector = Elector("a", async ct =>
        {
            leading.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                workEnded = true;
            }
        }, leaders, () => stoppedLeading = workEnded);
        using var stop = new CancellationTokenSource();
        var run = elector.RunAsync(stop.Token);
        await leading.Task.WaitAsync(TimeSpan.FromSeconds(5));

        await Eventually.AdvanceUntilAsync(_time, () => _store.Writes >= 4, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), "renewals");
        Assert.Equal("a", _store.Record!.HolderIdentity);

        stop.Cancel();
        Assert.True(await run.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(stoppedLeading); // after the work ended
        Assert.Equal("", _store.Record!.HolderIdentity);
        Assert.Equal(1, _store.Record.LeaseDurationSeconds);
        Assert.Equal(["a"], leaders); // as client-go: the release itself is not reported
    }

    [Fact]
    public async Task ReleaseRereadsAfterAConflictAndStillReleasesItsOwnLease()
    {
        var leading = new TaskCompletionSource();
        var elector = Elector("a", async ct => { leading.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); });
        using var stop = new CancellationTokenSource();
        var run = elector.RunAsync(stop.Token);
        await leading.Task.WaitAsync(TimeSpan.FromSeconds(5));

        lock (_store.Sync)
        {
            _store.Version++; // a renewal written by the server whose answer never arrived: our read is stale
        }
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("", _store.Record!.HolderIdentity);
    }

    [Fact]
    public async Task ALeaderThatCannotRenewWithinTheDeadlineStopsLeading()
    {
        var leadingToken = new TaskCompletionSource<CancellationToken>();
        var elector = Elector("a", async ct =>
        {
            leadingToken.SetResult(ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var run = elector.RunAsync(CancellationToken.None);
        var token = await leadingToken.Task.WaitAsync(TimeSpan.FromSeconds(5));

        _store.Down = true; // the API server is gone
        var downAt = _time.GetUtcNow();
        await Eventually.AdvanceUntilAsync(_time, () => token.IsCancellationRequested, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), "leadership lost");

        var lostAfter = _time.GetUtcNow() - downAt;
        Assert.InRange(lostAfter, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(14)); // RenewDeadline, + up to RetryPeriod before the first failed renew (+ fake-time steps)
        Assert.True(await run.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task AStandbyTakesOverWhenTheLeaderDisappearsWithoutReleasing()
    {
        var aLeading = new TaskCompletionSource();
        var bLeading = new TaskCompletionSource();
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var a = Elector("a", async ct => { aLeading.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); }, release: false);
        var runA = a.RunAsync(stopA.Token);
        await aLeading.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var b = Elector("b", async ct => { bLeading.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); });
        var runB = b.RunAsync(stopB.Token);
        await Eventually.AdvanceUntilAsync(_time, () => b.Leader == "a", TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), "b sees a");

        stopA.Cancel(); // a dies: no release
        await runA.WaitAsync(TimeSpan.FromSeconds(5));
        var diedAt = _time.GetUtcNow();
        await Eventually.AdvanceUntilAsync(_time, () => bLeading.Task.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(40), "b leads");

        var failover = _time.GetUtcNow() - diedAt;
        Assert.InRange(failover, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(21)); // lease duration from b's last sight of a change, +- one jittered retry
        Assert.Equal("b", _store.Record!.HolderIdentity);
        Assert.Equal(1, _store.Record.LeaderTransitions);
        stopB.Cancel();
        await runB.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void RejectsTimingsClientGoRejects()
    {
        var config = new LeaderElectionConfig
        {
            Lock = new FakeLeaseLock(_store),
            Identity = "a",
            OnStartedLeading = _ => Task.CompletedTask,
            LeaseDuration = TimeSpan.FromSeconds(10),
            RenewDeadline = TimeSpan.FromSeconds(10),
        };
        Assert.Throws<ArgumentException>(() => new LeaderElector(config));
        Assert.Throws<ArgumentException>(() => new LeaderElector(config with { LeaseDuration = TimeSpan.FromSeconds(15), RetryPeriod = TimeSpan.FromSeconds(9) }));
    }
}

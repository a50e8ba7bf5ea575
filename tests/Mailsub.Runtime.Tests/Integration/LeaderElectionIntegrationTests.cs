using System.Diagnostics;
using k8s;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.LeaderElection;
using Mailsub.Testing.ControlPlane;
using Xunit.Abstractions;

namespace Mailsub.Runtime.Tests.Integration;

/// <summary>Two candidates on a real coordination.k8s.io/v1 Lease (kube-apiserver 1.20).</summary>
[Collection(ControlPlaneFixture.Collection)]
public sealed class LeaderElectionIntegrationTests(ControlPlaneFixture cp, ITestOutputHelper output)
{
    // Short timings keep the test quick; the ratios are client-go's defaults (15/10/2 s) shrunk.
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(1);

    private sealed class Candidate : IDisposable
    {
        public required ApiConnection Client { get; init; }
        public required LeaderElector Elector { get; init; }
        public TaskCompletionSource Leading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenSource Stop { get; } = new();
        public Task<bool> Run { get; set; } = Task.FromResult(false);
        public void Dispose()
        {
            Stop.Dispose();
            Client.Dispose();
        }
    }

    private Candidate Start(string ns, string identity, bool release)
    {
        var client = cp.Connect();
        Candidate? candidate = null;
        var elector = new LeaderElector(new LeaderElectionConfig
        {
            Lock = new LeaseLock(client, ns, "mailsub-operator"),
            Identity = identity,
            LeaseDuration = LeaseDuration,
            RenewDeadline = RenewDeadline,
            RetryPeriod = RetryPeriod,
            ReleaseOnCancel = release,
            OnStartedLeading = async ct =>
            {
                candidate!.Leading.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            },
        });
        candidate = new Candidate { Client = client, Elector = elector };
        candidate.Run = elector.RunAsync(candidate.Stop.Token);
        return candidate;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OneLeadsAndTheOtherTakesOverWhenItStops(bool release)
    {
        var ns = await cp.CreateNamespaceAsync(release ? "election-release" : "election-crash");
        using var a = Start(ns, "a", release);
        await a.Leading.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var b = Start(ns, "b", release: true);
        await Eventually.TrueAsync(() => b.Elector.Leader == "a", TimeSpan.FromSeconds(30), "b sees a lead");
        await Task.Delay(RetryPeriod * 3); // a renews a few times; b stays a standby
        Assert.False(b.Leading.Task.IsCompleted);

        var stopped = Stopwatch.StartNew();
        a.Stop.Cancel(); // release: a graceful stop; otherwise a crash that leaves the lease as it was
        await a.Run.WaitAsync(TimeSpan.FromSeconds(30));
        await b.Leading.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var failover = stopped.Elapsed;

        var lease = await cp.Client.CoordinationV1.ReadNamespacedLeaseAsync("mailsub-operator", ns);
        output.WriteLine($"{(release ? "released" : "crashed")}: b leads {failover.TotalSeconds:0.0} s after a stopped; leaseTransitions {lease.Spec.LeaseTransitions}");
        Assert.Equal("b", lease.Spec.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);
        var limit = release
            ? RetryPeriod * 2.2 + TimeSpan.FromSeconds(3)          // one jittered retry (+ slack for a loaded machine)
            : LeaseDuration + RetryPeriod * 2.2 + TimeSpan.FromSeconds(4); // the lease must run out first
        Assert.True(failover < limit, $"failover took {failover}, limit {limit}");
        if (!release)
        {
            Assert.True(failover > LeaseDuration - RetryPeriod * 2.2, $"b took a lease that had not run out ({failover})");
        }

        b.Stop.Cancel();
        Assert.True(await b.Run.WaitAsync(TimeSpan.FromSeconds(30)));
        lease = await cp.Client.CoordinationV1.ReadNamespacedLeaseAsync("mailsub-operator", ns);
        Assert.Equal("", lease.Spec.HolderIdentity ?? "");
        Assert.Equal(1, lease.Spec.LeaseDurationSeconds);
    }
}

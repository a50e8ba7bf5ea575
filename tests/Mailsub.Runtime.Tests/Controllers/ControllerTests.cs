using System.Collections.Concurrent;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Controllers;
using Mailsub.Runtime.Queues;
using Mailsub.Runtime.Rate;
using Microsoft.Extensions.Time.Testing;

namespace Mailsub.Runtime.Tests.Controllers;

public sealed class ControllerTests
{
    private readonly FakeTimeProvider _time = new();

    private static ObjectKey Key(string name) => new("ns", name);

    private RateLimitingQueue<ObjectKey> Queue() =>
        new(new ItemExponentialFailureRateLimiter<ObjectKey>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)), _time);

    [Fact]
    public async Task AFailingKeyIsRetriedWithGrowingBackoffUntilItSucceeds()
    {
        var attempts = 0;
        using var controller = new Controller((_, _) =>
        {
            if (Interlocked.Increment(ref attempts) <= 5)
            {
                throw new InvalidOperationException("not yet");
            }
            return Task.FromResult(ReconcileResult.Done);
        }, new ControllerOptions { Workers = 1 }, Queue(), timeProvider: _time);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);

        controller.Queue.Add(Key("a"));
        await Eventually.TrueAsync(() => Volatile.Read(ref attempts) == 1 && controller.Queue.Waiting == 1, TimeSpan.FromSeconds(5), "first failure");
        Assert.Equal(1, controller.Queue.NumRequeues(Key("a")));

        _time.Advance(TimeSpan.FromMilliseconds(4));
        await Task.Delay(20);
        Assert.Equal(1, Volatile.Read(ref attempts)); // 5 ms backoff not over
        await Eventually.AdvanceUntilAsync(_time, () => Volatile.Read(ref attempts) == 6 && controller.ActiveWorkers == 0,
            TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1), "six attempts");

        await Eventually.TrueAsync(() => controller.Queue.NumRequeues(Key("a")) == 0, TimeSpan.FromSeconds(5), "forgotten after success");
        Assert.Equal(5, controller.ErrorsTotal);
        Assert.Equal(5, controller.Queue.RetriesTotal);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RequeueAfterComesBackAfterTheDelay()
    {
        var calls = 0;
        using var controller = new Controller((_, _) =>
            Task.FromResult(Interlocked.Increment(ref calls) == 1 ? ReconcileResult.After(TimeSpan.FromMinutes(5)) : ReconcileResult.Done),
            new ControllerOptions { Workers = 1 }, Queue(), timeProvider: _time);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);

        controller.Queue.Add(Key("a"));
        await Eventually.TrueAsync(() => controller.Queue.Waiting == 1, TimeSpan.FromSeconds(5), "waiting 5 min");
        _time.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(20);
        Assert.Equal(1, Volatile.Read(ref calls));
        _time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) == 2, TimeSpan.FromSeconds(5), "second call");
        Assert.Equal(0, controller.Queue.NumRequeues(Key("a"))); // a requeue-after is not a failure
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WorkersRunDifferentKeysInParallelButNeverTheSameKeyTwice()
    {
        var running = new ConcurrentDictionary<ObjectKey, int>();
        var maxParallel = 0;
        var current = 0;
        var sameKeyOverlap = 0;
        var release = new TaskCompletionSource();
        using var controller = new Controller(async (key, _) =>
        {
            if (running.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref sameKeyOverlap);
            }
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref maxParallel, now);
            await release.Task;
            Interlocked.Decrement(ref current);
            running.AddOrUpdate(key, 0, (_, n) => n - 1);
            return ReconcileResult.Done;
        }, new ControllerOptions { Workers = 3 }, Queue(), timeProvider: _time);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);

        foreach (var key in new[] { Key("a"), Key("b"), Key("c"), Key("d") })
        {
            controller.Queue.Add(key);
        }
        await Eventually.TrueAsync(() => controller.ActiveWorkers == 3, TimeSpan.FromSeconds(5), "three busy workers");
        controller.Queue.Add(Key("a")); // while "a" runs
        release.SetResult();
        await Eventually.TrueAsync(() => controller.ReconcilesTotal == 5, TimeSpan.FromSeconds(5), "five reconciles");

        Assert.Equal(3, maxParallel);
        Assert.Equal(0, sameKeyOverlap);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task StopLetsInFlightReconcilesFinishAndTakesNoNewKeys()
    {
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        var seen = new ConcurrentBag<ObjectKey>();
        var sawCancel = false;
        using var controller = new Controller(async (key, ct) =>
        {
            seen.Add(key);
            started.TrySetResult();
            await finish.Task;
            sawCancel = ct.IsCancellationRequested;
            return ReconcileResult.Done;
        }, new ControllerOptions { Workers = 1, ShutdownTimeout = TimeSpan.FromMinutes(1) }, Queue(), timeProvider: _time);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);

        controller.Queue.Add(Key("first"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));
        controller.Queue.Add(Key("second"));
        stop.Cancel();
        await Task.Delay(50);
        Assert.False(run.IsCompleted); // waits for "first"
        finish.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([Key("first")], seen.ToArray());
        Assert.False(sawCancel);
    }

    [Fact]
    public async Task StopCancelsReconcilesThatOutliveTheShutdownTimeout()
    {
        var started = new TaskCompletionSource();
        using var controller = new Controller(async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        }, new ControllerOptions { Workers = 1, ShutdownTimeout = TimeSpan.FromSeconds(10) }, Queue(), timeProvider: _time);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);
        controller.Queue.Add(Key("stuck"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));

        stop.Cancel();
        await Eventually.AdvanceUntilAsync(_time, () => run.IsCompleted, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), "stopped after the timeout");
        await run;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}

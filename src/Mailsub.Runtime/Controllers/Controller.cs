using Mailsub.Runtime.Api;
using Mailsub.Runtime.Queues;
using Mailsub.Runtime.Rate;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mailsub.Runtime.Controllers;

/// <summary>Reconciles one object by its key. Must be idempotent: it may run again at any time.</summary>
public delegate Task<ReconcileResult> Reconciler(ObjectKey key, CancellationToken cancellationToken);

public sealed record ControllerOptions
{
    public string Name { get; init; } = "controller";

    /// <summary>Keys reconciled at once (never the same key twice at once).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>After a stop, how long in-flight reconciles may take before they are cancelled.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>How a reconcile ended, for metrics.</summary>
public enum ReconcileOutcome
{
    Success,
    Requeue,
    RequeueAfter,
    Error,
}

/// <summary>
/// Worker loops over a rate-limited work queue: each worker takes a key, runs the reconciler,
/// then forgets it, requeues it after a delay, or (on error or request) re-adds it with the
/// limiter's backoff, forever. On stop it takes no new keys, lets in-flight reconciles finish
/// within <see cref="ControllerOptions.ShutdownTimeout"/>, then cancels them and returns.
/// </summary>
public sealed class Controller : IDisposable
{
    private readonly Reconciler _reconcile;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _reconciles, _errors;
    private int _active;

    public Controller(Reconciler reconcile, ControllerOptions? options = null, RateLimitingQueue<ObjectKey>? queue = null,
        ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _reconcile = reconcile;
        _options = options ?? new ControllerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.Workers);
        _time = timeProvider ?? TimeProvider.System;
        Queue = queue ?? new RateLimitingQueue<ObjectKey>(RateLimiters.DefaultController<ObjectKey>(_time), _time);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The queue: informer handlers add keys to it.</summary>
    public RateLimitingQueue<ObjectKey> Queue { get; }

    /// <summary>How many keys it reconciles at once (controller-runtime's MaxConcurrentReconciles).</summary>
    public int Workers => _options.Workers;

    public long ReconcilesTotal => Interlocked.Read(ref _reconciles);
    public long ErrorsTotal => Interlocked.Read(ref _errors);
    public int ActiveWorkers => Volatile.Read(ref _active);

    /// <summary>Called after each reconcile with its key, outcome and duration (for metrics).</summary>
    public event Action<ObjectKey, ReconcileOutcome, TimeSpan>? Reconciled;

    /// <summary>Runs the workers until <paramref name="stoppingToken"/> is cancelled, then drains (see class).</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var reconcileCts = new CancellationTokenSource();
        var workers = new Task[_options.Workers];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkerAsync(reconcileCts.Token), CancellationToken.None);
        }

        var all = Task.WhenAll(workers);
        try
        {
            await all.WaitAsync(stoppingToken).ConfigureAwait(false);
            return; // every worker ended: the queue was shut down by someone else
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        _logger.LogInformation("{Controller}: stopping; waiting for {Active} reconciles", _options.Name, ActiveWorkers);
        Queue.ShutDown();
        try
        {
            await all.WaitAsync(_options.ShutdownTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("{Controller}: reconciles still running after {Timeout}; cancelling them", _options.Name, _options.ShutdownTimeout);
            await reconcileCts.CancelAsync().ConfigureAwait(false);
            await all.ConfigureAwait(false);
        }
    }

    private async Task WorkerAsync(CancellationToken reconcileToken)
    {
        while (true)
        {
            var (key, shutdown) = await Queue.GetAsync(CancellationToken.None).ConfigureAwait(false);
            if (shutdown)
            {
                return;
            }
            Interlocked.Increment(ref _active);
            var started = _time.GetTimestamp();
            ReconcileOutcome outcome;
            try
            {
                var result = await _reconcile(key, reconcileToken).ConfigureAwait(false);
                if (result.RequeueAfter is { } after && after > TimeSpan.Zero)
                {
                    Queue.Forget(key);
                    Queue.AddAfter(key, after);
                    outcome = ReconcileOutcome.RequeueAfter;
                }
                else if (result.Requeue)
                {
                    Queue.AddRateLimited(key);
                    outcome = ReconcileOutcome.Requeue;
                }
                else
                {
                    Queue.Forget(key);
                    outcome = ReconcileOutcome.Success;
                }
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _errors);
                _logger.LogWarning("{Controller}: reconcile {Key} failed (retry {Retry}): {Error}",
                    _options.Name, key, Queue.NumRequeues(key) + 1, ex is OperationCanceledException ? "cancelled" : ex.Message);
                Queue.AddRateLimited(key);
                outcome = ReconcileOutcome.Error;
            }
            finally
            {
                Queue.Done(key);
                Interlocked.Decrement(ref _active);
                Interlocked.Increment(ref _reconciles);
            }
            try
            {
                Reconciled?.Invoke(key, outcome, _time.GetElapsedTime(started));
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "{Controller}: a Reconciled listener failed", _options.Name);
            }
        }
    }

    public void Dispose() => Queue.Dispose();
}

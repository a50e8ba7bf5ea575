namespace Mailsub.Runtime.Controllers;

/// <summary>
/// What a reconcile asks of the queue: nothing (done; its backoff is forgotten), a rate-limited
/// retry, or another look after a fixed time (e.g. before a certificate expires). A thrown
/// exception is a rate-limited retry too: keys are never dropped.
/// </summary>
public readonly record struct ReconcileResult(TimeSpan? RequeueAfter, bool Requeue)
{
    public static ReconcileResult Done => default;

    /// <summary>Again after the limiter's backoff, as after an error, without logging one.</summary>
    public static ReconcileResult RequeueWithBackoff => new(null, true);

    public static ReconcileResult After(TimeSpan delay) => new(delay, false);
}

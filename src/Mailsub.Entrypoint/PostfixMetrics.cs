namespace Mailsub.Entrypoint;

/// <summary>What the Postfix pod serves on /metrics: the log counters (<see cref="PostfixLogCounts"/>),
/// the queue as postqueue sees it at scrape time, and the entrypoint's own apply path.</summary>
internal sealed class PostfixMetrics
{
    private readonly MetricRegistry _registry = new([
        .. PostfixFamilies.LogCounters,
        PostfixFamilies.ShowqQueueDepth,
        PostfixFamilies.Reloads,
        PostfixFamilies.ConfigRejected,
        PostfixFamilies.ConfigLastApplySuccessful,
    ]);

    public PostfixMetrics() => _registry.Set(PostfixFamilies.ConfigLastApplySuccessful, 1);

    public void Count(string logLine)
    {
        foreach (var delta in PostfixLogCounts.Parse(logLine))
            _registry.Add(delta);
    }

    public void Reloaded(bool succeeded) => _registry.Add(new CounterDelta(PostfixFamilies.Reloads, succeeded ? "success" : "failure"));

    public void ConfigApplied() => _registry.Set(PostfixFamilies.ConfigLastApplySuccessful, 1);

    public void ConfigRejected()
    {
        _registry.Add(new CounterDelta(PostfixFamilies.ConfigRejected));
        _registry.Set(PostfixFamilies.ConfigLastApplySuccessful, 0);
    }

    /// <summary>The text format, with the queue depths just read; a queue postqueue could not
    /// be read for is left out (rather than shown empty), as a failed scrape of showq would be.</summary>
    public string Render(IReadOnlyDictionary<string, int>? queues)
    {
        foreach (var queue in PostfixFamilies.Queues)
        {
            if (queues is null)
                _registry.Remove(PostfixFamilies.ShowqQueueDepth, queue);
            else
                _registry.Set(PostfixFamilies.ShowqQueueDepth, queues.GetValueOrDefault(queue), queue);
        }
        return _registry.Render();
    }
}

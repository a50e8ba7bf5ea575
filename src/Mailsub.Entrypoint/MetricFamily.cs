namespace Mailsub.Entrypoint;

/// <summary>A Prometheus metric family: its name, help text, type and label names.</summary>
/// <param name="Initial">Label values served at 0 from the start, so that a rate() or an alert
/// has a series to read before the first event (without labels: the one series).</param>
public sealed record MetricFamily(string Name, string Help, string Type, string[] LabelNames, string[][]? Initial = null)
{
    public static MetricFamily Counter(string name, string help, params string[] labelNames) => new(name, help, "counter", labelNames);

    /// <summary>A counter by one label, with a series at 0 for each of <paramref name="initial"/>.</summary>
    public static MetricFamily Counter(string name, string help, string labelName, IEnumerable<string> initial) =>
        new(name, help, "counter", [labelName], [.. initial.Select(value => new[] { value })]);

    public static MetricFamily Gauge(string name, string help, params string[] labelNames) => new(name, help, "gauge", labelNames);
}

/// <summary>The families the Postfix pods serve on /metrics (docs/metrics.md). The postfix_*
/// ones keep postfix_exporter's names, help texts and labels; mailsub_* are the entrypoint's own.</summary>
public static class PostfixFamilies
{
    public static readonly MetricFamily SmtpdConnects = MetricFamily.Counter(
        "postfix_smtpd_connects_total", "Total number of incoming connections.");

    public static readonly MetricFamily SmtpdDisconnects = MetricFamily.Counter(
        "postfix_smtpd_disconnects_total", "Total number of incoming disconnections.");

    public static readonly MetricFamily SmtpdConnectionsLost = MetricFamily.Counter(
        "postfix_smtpd_connections_lost_total", "Total number of connections lost.", "after_stage");

    public static readonly MetricFamily SmtpdMessagesProcessed = MetricFamily.Counter(
        "postfix_smtpd_messages_processed_total", "Total number of messages processed.", "sasl_method");

    public static readonly MetricFamily SmtpdMessagesRejected = MetricFamily.Counter(
        "postfix_smtpd_messages_rejected_total", "Total number of NOQUEUE rejects.", "code", "reason");

    public static readonly MetricFamily SmtpdSaslAuthenticationFailures = MetricFamily.Counter(
        "postfix_smtpd_sasl_authentication_failures_total", "Total number of SASL authentication failures.");

    public static readonly MetricFamily SmtpdTlsConnections = MetricFamily.Counter(
        "postfix_smtpd_tls_connections_total", "Total number of incoming TLS connections.",
        "trust", "protocol", "cipher", "secret_bits", "algorithm_bits");

    public static readonly MetricFamily CleanupMessagesProcessed = MetricFamily.Counter(
        "postfix_cleanup_messages_processed_total", "Total number of messages processed by cleanup.");

    public static readonly MetricFamily CleanupMessagesRejected = MetricFamily.Counter(
        "postfix_cleanup_messages_rejected_total", "Total number of messages rejected by cleanup.");

    public static readonly MetricFamily ShowqQueueDepth = MetricFamily.Gauge(
        "postfix_showq_queue_depth", "Number of messages in Postfix's message queue", "queue");

    public static readonly MetricFamily SmtpdRateLimited = MetricFamily.Counter(
        "mailsub_smtpd_rate_limit_exceeded_total",
        "Clients refused by an anvil limit (smtpd_client_*_rate_limit, smtpd_client_connection_count_limit), by limit.",
        "limit", PostfixLogCounts.RateLimits.Select(l => l.Limit));

    public static readonly MetricFamily Reloads = MetricFamily.Counter(
        "mailsub_postfix_reloads_total", "postfix reload runs by the entrypoint, by result (success, failure).",
        "result", ["success", "failure"]);

    public static readonly MetricFamily ConfigRejected = MetricFamily.Counter(
        "mailsub_postfix_config_rejected_total",
        "Changed mounted configurations the entrypoint refused (Postfix kept the previous one).");

    public static readonly MetricFamily ConfigLastApplySuccessful = MetricFamily.Gauge(
        "mailsub_postfix_config_last_apply_successful",
        "1 when the last change to the mounted configuration was applied (or none came yet), 0 when it was refused.");

    /// <summary>The log counters, in the order /metrics serves them.</summary>
    public static readonly IReadOnlyList<MetricFamily> LogCounters =
    [
        SmtpdConnects, SmtpdDisconnects, SmtpdConnectionsLost, SmtpdMessagesProcessed, SmtpdMessagesRejected,
        SmtpdSaslAuthenticationFailures, SmtpdTlsConnections, SmtpdRateLimited, CleanupMessagesProcessed, CleanupMessagesRejected,
    ];

    /// <summary>The queues postqueue reports; each is served, at 0 when empty, as postfix_exporter does.</summary>
    public static readonly IReadOnlyList<string> Queues = ["active", "deferred", "hold", "incoming", "maildrop"];
}

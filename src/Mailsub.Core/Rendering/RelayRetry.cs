using Mailsub.Core.Api;

namespace Mailsub.Core.Rendering;

/// <summary>
/// How soon deferred mail is tried again when it all goes to one relay host. Postfix's defaults
/// (a queue scan every 300 s, backoff from 300 s up to 4000 s) suit delivery to many MX hosts;
/// mail waiting for one relay host should move within about a minute of its return, however long
/// it was away, which matters most for what a stopping pod handed to its peers (QueueHandoff).
/// A dead relay costs little meanwhile: the queue manager defers mail for a destination it found
/// down without connecting again. Defaults, not rules:
/// spec.extraConfig setting any of them sets the retry timing alone.
/// </summary>
public static class RelayRetry
{
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Defaults =
    [
        new("queue_run_delay", "30s"),
        new("minimal_backoff_time", "30s"),
        new("maximal_backoff_time", "60s"),
    ];

    /// <summary>What main.cf sets: nothing without a relay host, nothing when extraConfig times retries itself.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(MailSubmissionSpec spec) =>
        spec.RelayHost is null || Defaults.Any(d => spec.ExtraConfig.ContainsKey(d.Key)) ? [] : Defaults;
}

using MailKit.Security;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>
/// The Postfix pod's /metrics (the entrypoint counting Postfix's own log): each counter moves when
/// a real client (MailKit or swaks) produces its event on a real Postfix. Reloads and rejected
/// configurations are counted in <see cref="ReloadTests"/>, the AUTH limit in <see cref="AuthRateLimitTests"/>.
/// </summary>
[Collection(PostfixCollection.Name)]
public sealed class PodMetricsTests(ModernSampleWithPort25 sample, ITestOutputHelper output) : IClassFixture<ModernSampleWithPort25>
{
    private const string Accepted = "postfix_smtpd_messages_processed_total{sasl_method=\"PLAIN\"}";
    private const string Cleaned = "postfix_cleanup_messages_processed_total";
    private const string AuthFailures = "postfix_smtpd_sasl_authentication_failures_total";
    private const string Connects = "postfix_smtpd_connects_total";

    private PostfixInstance Postfix => sample.Postfix;

    [Fact]
    public async Task An_accepted_message_counts_in_smtpd_and_cleanup_and_its_session_as_a_TLS_connection()
    {
        var before = await Postfix.ScrapeAsync();
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587))
        {
            await client.LoginAsync(new SaslMechanismPlain("alice", "alice-secret"));
            await client.SendAsync("alice@example.com", "friend@remote.example", $"counted {Guid.NewGuid()}");
        }

        var after = await Postfix.WaitForMetricAsync(Cleaned, before[Cleaned] + 1);
        output.WriteLine(after.Text);
        Assert.Equal(before[Accepted] + 1, after[Accepted]);
        Assert.Equal(before[Cleaned] + 1, after[Cleaned]);
        Assert.True(after[Connects] >= before[Connects] + 1, Postfix.Describe());
        // MailKit negotiates TLS 1.3 with the modern profile (STARTTLS on 587).
        Assert.Equal(TlsSeries(before, "TLSv1.3").Sum(s => s.Value) + 1, TlsSeries(after, "TLSv1.3").Sum(s => s.Value));
    }

    [Fact]
    public async Task A_TLS_session_from_swaks_counts_by_protocol_and_cipher()
    {
        var before = await Postfix.ScrapeAsync();
        var transcript = await Swaks.RunAsync(Postfix, 25, "--tls", "--tls-protocol", "tlsv1_2", "--quit-after", "EHLO");
        output.WriteLine(transcript);
        Assert.Contains("TLS started", transcript);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        MetricsScrape after;
        do
        {
            after = await Postfix.ScrapeAsync();
        }
        while (TlsSeries(after, "TLSv1.2").Sum(s => s.Value) <= TlsSeries(before, "TLSv1.2").Sum(s => s.Value) && clock.Elapsed < TimeSpan.FromSeconds(10));
        var series = TlsSeries(after, "TLSv1.2").ToArray();
        output.WriteLine(string.Join("\n", series.Select(s => $"{s.Key} {s.Value}")));
        Assert.Equal(TlsSeries(before, "TLSv1.2").Sum(s => s.Value) + 1, series.Sum(s => s.Value));
        Assert.All(series, s => Assert.Matches("cipher=\"ECDHE-[A-Z0-9-]+\"", s.Key));
    }

    /// <summary>On 25 the relay restrictions refuse a stranger's remote recipient; on 587 (after
    /// STARTTLS, without AUTH) the submission service refuses the client itself.</summary>
    [Theory]
    [InlineData(25, "", "554 5.7.1 <victim@remote.example>: Relay access denied", "relay_access_denied")]
    [InlineData(587, "--tls", "Client host rejected", "client_rejected")]
    public async Task A_relay_attempt_by_a_stranger_counts_as_rejected_with_its_code_and_reason(int port, string tls, string reply, string reason)
    {
        var series = $"postfix_smtpd_messages_rejected_total{{code=\"554\",reason=\"{reason}\"}}";
        var before = await Postfix.ScrapeAsync();
        var transcript = await Swaks.RunAsync(Postfix, port, MailClient.Outsider,
            [.. tls.Length > 0 ? [tls] : Array.Empty<string>(), "--from", "someone@example.org", "--to", "victim@remote.example", "--quit-after", "RCPT"]);
        output.WriteLine(transcript);
        Assert.Contains(reply, transcript);

        var after = await Postfix.WaitForMetricAsync(series, before[series] + 1);
        Assert.Equal(before[series] + 1, after[series]);
        Assert.Equal(before[Accepted], after[Accepted]);
    }

    [Fact]
    public async Task A_failed_AUTH_counts_as_a_SASL_authentication_failure()
    {
        var before = await Postfix.ScrapeAsync();
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587))
            Assert.StartsWith("535", await client.TryLoginAsync(new SaslMechanismPlain("alice", "not her password")));

        var after = await Postfix.WaitForMetricAsync(AuthFailures, before[AuthFailures] + 1);
        Assert.Equal(before[AuthFailures] + 1, after[AuthFailures]);
    }

    [Fact]
    public async Task The_queue_depth_is_served_for_every_queue_and_every_counter_from_the_start()
    {
        var scrape = await Postfix.ScrapeAsync();
        output.WriteLine(scrape.Text);
        foreach (var queue in new[] { "active", "deferred", "hold", "incoming", "maildrop" })
            Assert.True(scrape.Series.ContainsKey($"postfix_showq_queue_depth{{queue=\"{queue}\"}}"), scrape.Text);
        foreach (var family in new[] { Connects, AuthFailures, Cleaned, "mailsub_postfix_config_rejected_total",
                     "mailsub_postfix_reloads_total{result=\"failure\"}", "mailsub_smtpd_rate_limit_exceeded_total{limit=\"auth_rate\"}" })
        {
            Assert.True(scrape.Series.ContainsKey(family), $"{family} not served:\n{scrape.Text}");
        }
    }

    private static IEnumerable<KeyValuePair<string, double>> TlsSeries(MetricsScrape scrape, string? protocol = null) =>
        scrape.Series.Where(s => s.Key.StartsWith("postfix_smtpd_tls_connections_total{", StringComparison.Ordinal)
            && (protocol is null || s.Key.Contains($"protocol=\"{protocol}\"", StringComparison.Ordinal)));
}

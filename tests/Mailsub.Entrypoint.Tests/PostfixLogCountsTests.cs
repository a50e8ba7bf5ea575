namespace Mailsub.Entrypoint.Tests;

/// <summary>Lines as Postfix 3.7.11 (Debian bookworm) wrote them to maillog_file = /dev/stdout
/// in the acceptance tests (samples/modern.yaml, MailKit and swaks as clients).</summary>
public class PostfixLogCountsTests
{
    public static TheoryData<string, string, string[]> Counted => new()
    {
        { "Dec 07 17:43:44 mail postfix/smtpd[30463]: connect from localhost[127.0.0.1]", "postfix_smtpd_connects_total", [] },
        { "Dec 07 17:43:44 mail postfix/handoff/smtpd[30466]: disconnect from localhost[127.0.0.1] commands=0/0", "postfix_smtpd_disconnects_total", [] },
        { "Dec 07 17:43:44 mail postfix/submission/smtpd[30465]: lost connection after CONNECT from localhost[127.0.0.1]",
            "postfix_smtpd_connections_lost_total", ["CONNECT"] },
        { "Dec 07 17:43:45 mail postfix/submission/smtpd[30465]: 86692B2C8E3: client=localhost[127.0.0.1], sasl_method=PLAIN, sasl_username=alice@mail.example.com",
            "postfix_smtpd_messages_processed_total", ["PLAIN"] },
        { "Dec 07 17:43:45 mail postfix/cleanup[30512]: 86692B2C8E3: message-id=<6SWWT2EY0VU4.V6FCDBRYTVEZ2@vm>",
            "postfix_cleanup_messages_processed_total", [] },
        { "Dec 07 17:43:45 mail postfix/smtpd[30463]: NOQUEUE: reject: RCPT from unknown[127.0.0.5]: 554 5.7.1 <victim@remote.example>: Relay access denied; from=<someone@example.org> to=<victim@remote.example> proto=ESMTP helo=<vm>",
            "postfix_smtpd_messages_rejected_total", ["554", "relay_access_denied"] },
        { "Dec 07 17:43:44 mail postfix/submission/smtpd[30465]: warning: localhost[127.0.0.1]: SASL PLAIN authentication failed: authentication failure, sasl_username=alice@mail.example.com",
            "postfix_smtpd_sasl_authentication_failures_total", [] },
        { "Dec 07 17:43:44 mail postfix/submission/smtpd[30465]: Anonymous TLS connection established from localhost[127.0.0.1]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature ECDSA (prime256v1) server-digest SHA256",
            "postfix_smtpd_tls_connections_total", ["Anonymous", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "256", "256"] },
        { "Dec 07 17:43:45 mail postfix/smtpd[30463]: Anonymous TLS connection established from localhost[127.0.0.1]: TLSv1.2 with cipher ECDHE-ECDSA-AES256-GCM-SHA384 (256/256 bits)",
            "postfix_smtpd_tls_connections_total", ["Anonymous", "TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384", "256", "256"] },
        { "Dec 07 17:43:50 mail postfix/submission/smtpd[30812]: warning: AUTH command rate limit exceeded: 4 from unknown[127.0.0.5] for service 42111",
            "mailsub_smtpd_rate_limit_exceeded_total", ["auth_rate"] },
    };

    [Theory]
    [MemberData(nameof(Counted))]
    public void A_line_counts_once_in_its_family_with_its_labels(string line, string family, string[] labels)
    {
        var delta = Assert.Single(PostfixLogCounts.Parse(line));
        Assert.Equal(family, delta.Family.Name);
        Assert.Equal(labels, delta.LabelValues);
        Assert.Equal(delta.Family.LabelNames.Length, delta.LabelValues.Length);
    }

    [Theory]
    [InlineData("Dec 07 17:43:44 mail postfix/master[30459]: daemon started -- version 3.7.11, configuration /tmp/mailsub-postfix-c3Iqvh/state/etc")]
    [InlineData("Dec 07 17:43:45 mail postfix/qmgr[30461]: 86692B2C8E3: from=<alice@example.com>, size=649, nrcpt=1 (queue active)")]
    [InlineData("Dec 07 17:43:45 mail postfix/smtp[30513]: 86692B2C8E3: to=<friend@remote.example>, relay=127.0.0.1[127.0.0.1]:36175, delay=0.02, delays=0.01/0.01/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)")]
    [InlineData("Dec 07 17:43:44 mail postfix/submission/smtpd[30465]: warning: SASL authentication failure: Password verification failed")]
    [InlineData("Dec 07 17:43:44 mail postfix/submissions/smtpd[30464]: SSL_accept error from localhost[127.0.0.1]: lost connection")]
    [InlineData("mailsub-entrypoint: applied the changes (config, reload) in 0.41 s")]
    [InlineData("")]
    public void Lines_no_counter_is_about_count_nothing(string line)
    {
        Assert.Empty(PostfixLogCounts.Parse(line));
    }

    [Fact]
    public void The_sasl_failure_counted_is_smtpds_own_line_not_the_Cyrus_one_before_it()
    {
        // Cyrus logs its own "SASL authentication failure" first; one failed AUTH must count once.
        Assert.Empty(PostfixLogCounts.Parse("Dec 07 17:43:50 mail postfix/submission/smtpd[30808]: warning: SASL authentication failure: Password verification failed"));
        Assert.Single(PostfixLogCounts.Parse("Dec 07 17:43:50 mail postfix/submission/smtpd[30808]: warning: unknown[127.0.0.5]: SASL PLAIN authentication failed: authentication failure, sasl_username=alice@mail.example.com"));
    }

    [Fact]
    public void Text_a_client_put_in_the_message_part_does_not_pass_for_a_header()
    {
        // A HELO name is logged inside the message; the header is only at the start of the line.
        var line = "Dec 07 17:43:45 mail postfix/qmgr[1]: x helo=<Dec 07 17:43:45 mail postfix/smtpd[1]: connect from x>";
        Assert.Empty(PostfixLogCounts.Parse(line));
    }

    [Fact]
    public void A_reject_reason_outside_the_known_phrases_counts_as_other()
    {
        var line = "Dec 07 17:43:45 mail postfix/smtpd[30463]: NOQUEUE: reject: RCPT from unknown[127.0.0.5]: 550 5.1.1 <x@example.com>: anything a map said; from=<a@example.org> to=<x@example.com> proto=ESMTP helo=<vm>";
        Assert.Equal(["550", PostfixLogCounts.Other], Assert.Single(PostfixLogCounts.Parse(line)).LabelValues);
    }

    [Theory]
    [InlineData("Evil", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "other", "TLSv1.3", "TLS_AES_256_GCM_SHA384")]
    [InlineData("Anonymous", "TLSv9", "TLS_AES_256_GCM_SHA384", "Anonymous", "other", "TLS_AES_256_GCM_SHA384")]
    [InlineData("Anonymous", "TLSv1.3", "<script>", "Anonymous", "TLSv1.3", "other")]
    public void TLS_label_values_of_an_unknown_shape_become_other(string trust, string protocol, string cipher, params string[] expected)
    {
        var line = $"Dec 07 17:43:45 mail postfix/smtpd[1]: {trust} TLS connection established from x[127.0.0.1]: {protocol} with cipher {cipher} (256/256 bits)";
        Assert.Equal(expected, Assert.Single(PostfixLogCounts.Parse(line)).LabelValues[..3]);
    }
}

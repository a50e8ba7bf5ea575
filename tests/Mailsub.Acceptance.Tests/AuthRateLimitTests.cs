using System.Net;
using MailKit.Security;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>
/// spec.limits.authAttemptsPerMinutePerClient on a real Postfix: a client that keeps guessing is
/// refused once over the limit, while another client still logs in; the pod's /metrics counts
/// the failures and the refusal.
/// </summary>
[Collection(PostfixCollection.Name)]
public sealed class AuthRateLimitTests(ITestOutputHelper output)
{
    private const int Limit = 3;
    private const string RateLimited = "mailsub_smtpd_rate_limit_exceeded_total{limit=\"auth_rate\"}";

    [Fact]
    public async Task A_guessing_client_is_refused_over_the_limit_and_another_still_logs_in()
    {
        var resource = Samples.Read("modern").Trusting("127.0.0.1/32");
        resource.Spec.Limits.AuthAttemptsPerMinutePerClient = Limit;
        await using var postfix = await Samples.StartAsync(resource, ModernSample.InitialUsers);
        var guesser = MailClient.Outsider;

        var replies = new List<string>();
        for (var attempt = 1; attempt <= Limit + 1; attempt++)
        {
            using var client = await MailClient.ConnectAsync(postfix.AsServer(), 587, source: guesser);
            replies.Add(await client.TryLoginAsync(new SaslMechanismPlain("alice", $"guess {attempt}")));
        }
        output.WriteLine(string.Join("\n", replies));

        Assert.All(replies.Take(Limit), r => Assert.StartsWith("535", r));
        Assert.StartsWith("450 4.7.1 Error: too many AUTH commands from 127.0.0.5", replies[^1]);
        Assert.True(await postfix.Output.WaitForAsync("AUTH command rate limit exceeded: 4 from unknown[127.0.0.5]", TimeSpan.FromSeconds(5)), postfix.Describe());

        using var other = await MailClient.ConnectAsync(postfix.AsServer(), 587, source: IPAddress.Parse("127.0.0.6"));
        await other.LoginAsync(new SaslMechanismPlain("alice", "alice-secret"));

        // The pod's /metrics counted each wrong guess and the refusal.
        var scrape = await postfix.WaitForMetricAsync(RateLimited, 1);
        output.WriteLine(scrape.Text);
        Assert.Equal(1, scrape[RateLimited]);
        Assert.Equal(Limit, scrape["postfix_smtpd_sasl_authentication_failures_total"]);
    }
}

using System.Diagnostics;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mailsub.Testing.Smtp;

namespace Mailsub.EndToEnd.Tests;

/// <summary>What a client stream saw: messages accepted with 250, attempts refused for now (4xx
/// or no connection; retried as SMTP clients do), and messages given up on.</summary>
public sealed record StreamCounts(int Sent, int Accepted, int Deferred, int Failed)
{
    public override string ToString() => $"{Sent} sent, {Accepted} accepted, {Deferred} attempts refused for now (retried), {Failed} given up";
}

/// <summary>
/// A bounded stream of submissions through a Service: <c>rate</c> messages a second for a
/// duration, each its own session (STARTTLS, AUTH as alice), each retried at most
/// <see cref="Attempts"/> times a second apart after a 4xx or a refused connection.
/// </summary>
public static class MailStream
{
    public const int Attempts = 10;

    public static async Task<(StreamCounts Counts, IReadOnlyList<string> Accepted)> RunAsync(
        Submission submission, string password, string prefix, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var clock = Stopwatch.StartNew();
        var deferred = 0;
        var sends = new List<Task<string?>>();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due);
            var subject = $"{prefix}-{i:D4}";
            sends.Add(Task.Run(() => SendAsync(submission, password, subject, () => Interlocked.Increment(ref deferred))));
        }
        var results = await Task.WhenAll(sends);
        var accepted = results.OfType<string>().ToList();
        return (new StreamCounts(total, accepted.Count, deferred, total - accepted.Count), accepted);
    }

    /// <summary>The subject once accepted, or null when every attempt was refused or a 5xx came.</summary>
    private static async Task<string?> SendAsync(Submission submission, string password, string subject, Action refusedForNow)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                await SendOnceAsync(submission, password, subject);
                return subject;
            }
            catch (Exception e) when (IsTemporary(e))
            {
                refusedForNow();
                await Task.Delay(1000);
            }
            catch (Exception)
            {
                return null; // a 5xx or a failed login: a client gives up on these
            }
        }
        return null;
    }

    /// <summary>One session: STARTTLS on 587, AUTH as alice, one message; throws on any refusal.</summary>
    public static async Task SendOnceAsync(Submission submission, string password, string subject)
    {
        using var client = await MailClient.ConnectAsync(submission, 587);
        await client.Smtp.AuthenticateAsync(new SaslMechanismPlain("alice", password));
        await client.SendAsync("alice@example.com", "someone@example.org", subject);
        await client.Smtp.DisconnectAsync(quit: true);
    }

    // A closed port, a reset session or a 4xx: what a client queues and tries again.
    private static bool IsTemporary(Exception e) => e switch
    {
        Xunit.Sdk.XunitException x => !x.Message.Contains("was refused: 5", StringComparison.Ordinal),
        SmtpCommandException c => (int)c.StatusCode is >= 400 and < 500,
        SmtpProtocolException or ServiceNotConnectedException or IOException or TimeoutException or OperationCanceledException => true,
        System.Net.Sockets.SocketException => true,
        _ => false,
    };
}

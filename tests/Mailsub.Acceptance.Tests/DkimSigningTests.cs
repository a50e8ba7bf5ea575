using MailKit.Net.Smtp;
using MailKit.Security;
using Mailsub.Core.Api;
using Mailsub.Core.Dkim;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>samples/dkim.yaml with port 25 enabled and 127.0.0.1/32 trusted, run by the entrypoint
/// with the real OpenDKIM; its key as the operator would generate it, its record as status shows it.</summary>
public sealed class DkimSample : IAsyncLifetime
{
    public const string Selector = "mail2026";
    public const string KeyName = Selector + "._domainkey.example.com";

    public PostfixInstance Postfix { get; private set; } = null!;
    public Dictionary<string, string> Keys { get; } = new() { [KeyName] = DkimKeyMaterial.Generate() };

    /// <summary>The TXT records by name, as status.dkimRecords carries them.</summary>
    public Dictionary<string, string> Records { get; } = [];

    internal static MailSubmission Resource() => Samples.Read("dkim").WithSmtpListener().Trusting("127.0.0.1/32");

    public async Task InitializeAsync()
    {
        Records[KeyName] = DkimKeyMaterial.RecordValue(Keys[KeyName], out var problem) ?? throw new InvalidOperationException(problem);
        Postfix = await Samples.StartAsync(Resource(), new Dictionary<string, string> { ["alice"] = "alice-secret", ["bob"] = "bob-secret" },
            dkimKeys: Keys);
    }

    public async Task DisposeAsync()
    {
        if (Postfix is not null)
            await Postfix.DisposeAsync();
    }
}

/// <summary>DKIM signing through the real Postfix and the real OpenDKIM, checked by dkimpy.</summary>
[Collection(PostfixCollection.Name)]
public sealed class DkimSigningTests(DkimSample sample, ITestOutputHelper output) : IClassFixture<DkimSample>
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(20);

    private PostfixInstance Postfix => sample.Postfix;

    [Fact]
    public async Task Authenticated_mail_on_587_arrives_signed_and_verifies_and_a_tampered_body_does_not()
    {
        var relayed = await SendAuthenticatedAsync(587);

        Assert.Contains($"s={DkimSample.Selector};", relayed.Replace(" ", "").Replace("\n", "").Replace("\t", ""));
        Assert.True(await DkimVerifier.VerifyAsync(relayed, sample.Records), Postfix.Describe() + "\n" + relayed);
        var tampered = relayed.Replace("sent by a Mailsub test", "sent by someone else", StringComparison.Ordinal);
        Assert.NotEqual(relayed, tampered);
        Assert.False(await DkimVerifier.VerifyAsync(tampered, sample.Records));
    }

    [Fact]
    public async Task Authenticated_mail_on_465_is_signed_too()
    {
        var relayed = await SendAuthenticatedAsync(465);

        Assert.True(await DkimVerifier.VerifyAsync(relayed, sample.Records), relayed);
    }

    [Theory]
    [InlineData(25)]
    [InlineData(587)]
    public async Task Mail_from_a_trusted_network_without_AUTH_is_not_signed(int port)
    {
        // 127.0.0.1/32 is trusted: both listeners relay for it without a login (permit_mynetworks).
        var subject = $"unauthenticated {port} {Guid.NewGuid()}";
        // A sender of the signing domain that no user owns: reject_sender_login_mismatch refuses
        // alice@example.com to a client that has not logged in.
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), port))
            await client.SendAsync("noreply@example.com", "friend@remote.example", subject);

        var relayed = await Postfix.Sink.WaitForMessageAsync(subject, Delivery);
        output.WriteLine(relayed);
        Assert.DoesNotContain("DKIM-Signature", relayed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task With_OpenDKIM_down_a_submission_gets_4xx_not_unsigned_mail_and_the_entrypoint_starts_it_again()
    {
        var pid = Postfix.OpenDkimProcessId ?? throw new Xunit.Sdk.XunitException("no OpenDKIM runs\n" + Postfix.Describe());
        var subject = $"while down {Guid.NewGuid()}";
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), 587))
        {
            await client.LoginAsync(new SaslMechanismPlain("alice", "alice-secret"));
            // smtpd connected to the milter with the client; the signer now goes away mid-session.
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            var message = MailClient.Message("alice@example.com", "friend@remote.example", subject);
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.Smtp.SendAsync(message));
            output.WriteLine($"with OpenDKIM killed: {(int)refused.StatusCode} {refused.Message}");
            Assert.InRange((int)refused.StatusCode, 400, 499);
        }
        Assert.DoesNotContain(Postfix.Sink.Messages(), m => m.Contains(subject, StringComparison.Ordinal));

        var restarted = await WaitAsync(() => Postfix.OpenDkimProcessId is { } now && now != pid, TimeSpan.FromSeconds(15));
        Assert.True(restarted, "OpenDKIM was not started again\n" + Postfix.Describe());
        var relayed = await SendAuthenticatedAsync(587);
        Assert.True(await DkimVerifier.VerifyAsync(relayed, sample.Records), relayed);
    }

    [Fact]
    public async Task A_new_selector_signs_after_a_config_change_without_restarting_OpenDKIM()
    {
        var pid = Postfix.OpenDkimProcessId ?? throw new Xunit.Sdk.XunitException("no OpenDKIM runs\n" + Postfix.Describe());
        const string next = "mail2027";
        const string nextName = next + "._domainkey.example.com";
        var keys = new Dictionary<string, string>(sample.Keys) { [nextName] = DkimKeyMaterial.Generate() };
        var records = new Dictionary<string, string>(sample.Records) { [nextName] = DkimKeyMaterial.RecordValue(keys[nextName], out _)! };
        var rotated = DkimSample.Resource();
        rotated.Spec.Dkim!.Domains[0].Keys = [new DkimKeySpec { Selector = DkimSample.Selector }, new DkimKeySpec { Selector = next }];
        rotated.Spec.Dkim.Domains[0].SigningSelector = next;
        try
        {
            // The keys Secret first, then the ConfigMap, as the operator writes them.
            var applied = AppliedChanges();
            Postfix.SetDkimKeys(keys);
            Samples.Apply(Postfix, rotated);
            Assert.True(await WaitAsync(() => AppliedChanges() > applied && Postfix.Errors.Tail().Contains("SIGUSR1", StringComparison.Ordinal), TimeSpan.FromSeconds(20)),
                Postfix.Describe());
            // Both changes may come as one, or one after the other: wait until the config is in.
            await WaitAsync(() => false, TimeSpan.FromSeconds(1));

            var relayed = await SendAuthenticatedAsync(587);
            Assert.Contains($"s={next};", relayed.Replace(" ", "").Replace("\n", "").Replace("\t", ""));
            Assert.True(await DkimVerifier.VerifyAsync(relayed, records), relayed);
            Assert.Equal(pid, Postfix.OpenDkimProcessId);
        }
        finally
        {
            var applied = AppliedChanges();
            Samples.Apply(Postfix, DkimSample.Resource());
            Postfix.SetDkimKeys(sample.Keys);
            await WaitAsync(() => AppliedChanges() > applied, TimeSpan.FromSeconds(20));
            await WaitAsync(() => false, TimeSpan.FromSeconds(1));
        }
    }

    private int AppliedChanges() => Postfix.Errors.Tail(1000).Split('\n').Count(l => l.Contains("applied the changes", StringComparison.Ordinal));

    private async Task<string> SendAuthenticatedAsync(int port)
    {
        var subject = $"signed {port} {Guid.NewGuid()}";
        using (var client = await MailClient.ConnectAsync(Postfix.AsServer(), port))
        {
            await client.LoginAsync(new SaslMechanismPlain("alice", "alice-secret"));
            await client.SendAsync("alice@example.com", "friend@remote.example", subject);
        }
        var relayed = await Postfix.Sink.WaitForMessageAsync(subject, Delivery);
        output.WriteLine(relayed);
        return relayed;
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
                return false;
            await Task.Delay(100);
        }
        return true;
    }
}

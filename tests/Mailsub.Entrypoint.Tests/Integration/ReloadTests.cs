using System.Diagnostics;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>Changes to the mounted ConfigMap and Secrets reach the running Postfix without a
/// restart. Each test gets its own instance.</summary>
[Collection(PostfixCollection.Name)]
public sealed class ReloadTests(ITestOutputHelper output)
{
    private static async Task<uint?> AdvertisedSizeAsync(PostfixInstance postfix)
    {
        using var client = await Submission.ConnectAsync(postfix, 587, security: SecureSocketOptions.None);
        var size = client.MaxSize;
        await client.DisconnectAsync(quit: true);
        return size;
    }

    [Fact]
    public async Task A_config_change_is_live_within_two_seconds_and_refuses_nobody()
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions());
        var master = postfix.MasterProcessId ?? throw new Xunit.Sdk.XunitException(postfix.Describe());
        using var open = await Submission.ConnectAsync(postfix, 587);
        await open.AuthenticateAsync(new SaslMechanismPlain("alice", "alice-secret"));
        Assert.Equal(26214400u, await AdvertisedSizeAsync(postfix));

        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        postfix.SetMainCfParameters(("message_size_limit", "20480000"));
        var live = await Submission.EventuallyAsync(async () =>
        {
            try
            {
                return await AdvertisedSizeAsync(postfix) == 20480000;
            }
            catch (Exception e) when (e is SocketException or IOException or SmtpProtocolException)
            {
                failures.Add($"{clock.Elapsed.TotalSeconds:0.00} s: {e.GetType().Name}: {e.Message}");
                return false;
            }
        }, TimeSpan.FromSeconds(15), clock);
        output.WriteLine($"message_size_limit live after {live?.TotalSeconds:0.00} s");
        output.WriteLine(postfix.Errors.Text);

        Assert.True(live is not null, $"the new size was never advertised\n{postfix.Describe()}");
        var bound = LoadAllowance.For(TimeSpan.FromSeconds(2));
        Assert.True(live < bound, $"the change took {live?.TotalSeconds:0.00} s (bound {bound.TotalSeconds:0.0} s: 2 s scaled by the load average)\n{postfix.Describe()}");
        Assert.Empty(failures);
        // No daemon of the old generation answers new connections any more.
        for (var i = 0; i < 5; i++)
            Assert.Equal(20480000u, await AdvertisedSizeAsync(postfix));

        // The session opened before the reload still delivers.
        var subject = $"across the reload {Guid.NewGuid()}";
        await open.SendAsync(Submission.Message(Fixtures.Modern.Address("alice"), subject));
        await open.DisconnectAsync(quit: true);
        await postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
        Assert.Equal(master, postfix.MasterProcessId);
    }

    [Fact]
    public async Task A_broken_config_is_rejected_with_the_reason_and_the_old_one_keeps_serving()
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions());

        postfix.SetMainCfParameters(("message_size_limit", "lots"));

        Assert.True(await postfix.Errors.WaitForAsync("keeps serving the previous one", TimeSpan.FromSeconds(15)), postfix.Describe());
        Assert.Contains("fatal: bad numerical configuration: message_size_limit = lots", postfix.Errors.Text);
        Assert.Equal(26214400u, await AdvertisedSizeAsync(postfix));
        Assert.Null(await Submission.TryLoginAsync(postfix, new SaslMechanismPlain("alice", "alice-secret")));

        // Fixing it is picked up like any other change.
        postfix.SetMainCfParameters(("message_size_limit", "30720000"));
        var fixedAfter = await Submission.EventuallyAsync(
            async () => await AdvertisedSizeAsync(postfix) == 30720000, TimeSpan.FromSeconds(15));
        Assert.True(fixedAfter is not null, postfix.Describe());
        Assert.False(postfix.HasExited);
    }

    [Fact]
    public async Task A_config_that_leaves_no_SASL_mechanism_after_TLS_is_rejected()
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions());

        // Modern offers PLAIN and LOGIN only, so noplaintext inside TLS too leaves nothing.
        postfix.SetMainCfParameters(("smtpd_sasl_tls_security_options", "noanonymous, noplaintext"));

        Assert.True(await postfix.Errors.WaitForAsync("keeps serving the previous one", TimeSpan.FromSeconds(15)), postfix.Describe());
        // Waited for, not read once: CI saw the first refusal line come without this reason once (stop 22).
        Assert.True(await postfix.Errors.WaitForAsync($"service {postfix.Port(587)}: smtpd_sasl_tls_security_options = noanonymous, noplaintext leaves none",
            TimeSpan.FromSeconds(15)), postfix.Describe());
        Assert.Null(await Submission.TryLoginAsync(postfix, new SaslMechanismPlain("alice", "alice-secret"), 465));
    }

    [Fact]
    public async Task A_broken_master_cf_is_rejected_too()
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions());

        postfix.WriteConfig("master.cf", postfix.RenderedConfig("master.cf") + "garbage line\n");

        Assert.True(await postfix.Errors.WaitForAsync("keeps serving the previous one", TimeSpan.FromSeconds(15)), postfix.Describe());
        Assert.Contains("bad field count", postfix.Errors.Text);
        Assert.True(LoopbackPorts.IsListening(postfix.Host, postfix.Port(465)));
    }

    [Fact]
    public async Task A_rotated_certificate_is_served_to_new_sessions_without_a_restart()
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions());
        var master = postfix.MasterProcessId ?? throw new Xunit.Sdk.XunitException(postfix.Describe());
        string? served = null;
        async Task<string?> ServedAsync(int port)
        {
            using var client = await Submission.ConnectAsync(postfix, port, thumbprint => served = thumbprint);
            await client.DisconnectAsync(quit: true);
            return served;
        }
        Assert.Equal(postfix.CurrentTls.Thumbprint, await ServedAsync(465));

        var rotated = TlsMaterial.SelfSigned(Fixtures.Modern.Hostname);
        var clock = Stopwatch.StartNew();
        postfix.SetTls(rotated);

        var after = await Submission.EventuallyAsync(
            async () => await ServedAsync(465) == rotated.Thumbprint, TimeSpan.FromSeconds(15), clock);
        output.WriteLine($"rotated certificate served after {after?.TotalSeconds:0.00} s");
        Assert.True(after is not null, $"465 still serves the old certificate\n{postfix.Describe()}");
        Assert.Equal(rotated.Thumbprint, await ServedAsync(587));
        Assert.Equal(master, postfix.MasterProcessId);
    }

    [Fact]
    public async Task A_ca_crt_added_to_the_Secret_becomes_the_CA_file()
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions());
        var mainCf = Path.Combine(postfix.StateDirectory, "etc", "main.cf");

        postfix.SetTls(postfix.CurrentTls with { CaPem = postfix.CurrentTls.CertificatePem });

        Assert.True(await postfix.Errors.WaitForAsync("applied the changes", TimeSpan.FromSeconds(15)), postfix.Describe());
        Assert.Contains($"\nsmtpd_tls_CAfile = {Path.Combine(postfix.Tls.Path, "ca.crt")}\n", await File.ReadAllTextAsync(mainCf));
        Assert.Null(await Submission.TryLoginAsync(postfix, new SaslMechanismPlain("alice", "alice-secret")));
    }

    [Fact]
    public async Task Users_added_and_removed_take_effect_without_a_restart()
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions());
        var master = postfix.MasterProcessId ?? throw new Xunit.Sdk.XunitException(postfix.Describe());
        // A SASL mechanism object holds one exchange's state, so every login gets a new one.
        SaslMechanism Bob() => new SaslMechanismPlain(Fixtures.Modern.Address("bob"), "bob-secret");
        Assert.NotNull(await Submission.TryLoginAsync(postfix, Bob()));

        postfix.SetUsers(new Dictionary<string, string> { ["alice"] = "alice-secret", ["bob"] = "bob-secret" });
        var added = await Submission.EventuallyAsync(
            async () => await Submission.TryLoginAsync(postfix, Bob()) is null, TimeSpan.FromSeconds(15));
        Assert.True(added is not null, $"bob could not log in\n{postfix.Describe()}");

        postfix.SetUsers(new Dictionary<string, string> { ["bob"] = "bob-secret" });
        var removed = await Submission.EventuallyAsync(
            async () => await Submission.TryLoginAsync(postfix, new SaslMechanismPlain("alice", "alice-secret")) is not null,
            TimeSpan.FromSeconds(15));
        output.WriteLine($"user added after {added?.TotalSeconds:0.00} s, removed after {removed?.TotalSeconds:0.00} s");
        Assert.True(removed is not null, $"alice can still log in\n{postfix.Describe()}");
        Assert.Null(await Submission.TryLoginAsync(postfix, Bob()));
        Assert.Equal(master, postfix.MasterProcessId);
    }
}

using System.Diagnostics;
using MailKit.Security;
using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>SIGTERM, as the kubelet sends it: listeners close, the queue gets the grace period
/// to drain, and the entrypoint exits 0.</summary>
[Collection(PostfixCollection.Name)]
public sealed class ShutdownTests(ITestOutputHelper output)
{
    /// <summary>An instance whose relay is down, holding one deferred message.</summary>
    private static async Task<(PostfixInstance Postfix, int RelayPort, string Subject)> WithDeferredMessageAsync(int graceSeconds)
    {
        var relayPort = LoopbackPorts.Free();
        var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions(
            new Dictionary<string, string> { ["relayhost"] = $"[127.0.0.1]:{relayPort}" }, graceSeconds));
        var subject = $"queued at shutdown {Guid.NewGuid()}";
        using (var client = await Submission.ConnectAsync(postfix, 587))
        {
            await client.AuthenticateAsync(new SaslMechanismPlain("alice", "alice-secret"));
            await client.SendAsync(Submission.Message(Fixtures.Modern.Address("alice"), subject));
            await client.DisconnectAsync(quit: true);
        }
        Assert.True(await postfix.Output.WaitForAsync("status=deferred", TimeSpan.FromSeconds(15)), postfix.Describe());
        return (postfix, relayPort, subject);
    }

    [Fact]
    public async Task Sigterm_closes_the_listeners_delivers_the_queue_and_exits_zero()
    {
        var (postfix, relayPort, subject) = await WithDeferredMessageAsync(graceSeconds: 20);
        await using var _ = postfix;
        await using var relay = await SmtpSink.StartAsync(Path.Combine(postfix.Root, "late-relay"), relayPort);

        var clock = Stopwatch.StartNew();
        var exitCode = await postfix.StopAsync(TimeSpan.FromSeconds(40));
        output.WriteLine($"stopped in {clock.Elapsed.TotalSeconds:0.00} s");

        Assert.True(exitCode == 0, postfix.Describe());
        await relay.WaitForMessageAsync(subject, TimeSpan.FromSeconds(10));
        Assert.Contains("closed the SMTP listeners", postfix.Errors.Text);
        Assert.DoesNotContain("still queued", postfix.Errors.Text);
        Assert.False(LoopbackPorts.IsListening(postfix.Host, postfix.Port(587)));
        Assert.Null(postfix.MasterProcessId);
    }

    [Fact]
    public async Task Sigterm_gives_up_on_an_undeliverable_queue_when_the_grace_period_ends()
    {
        var (postfix, _, _) = await WithDeferredMessageAsync(graceSeconds: 2);
        await using var _ = postfix;

        var clock = Stopwatch.StartNew();
        var exitCode = await postfix.StopAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, postfix.Describe());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed.TotalSeconds:0.0} s\n{postfix.Describe()}");
        Assert.Contains("1 message(s) still queued", postfix.Errors.Text);
        Assert.Null(postfix.MasterProcessId);
    }

    /// <summary>timeout(1), systemd and <c>kill -TERM -PGID</c> signal the whole group: the
    /// entrypoint drains, and master, in a session of its own, is stopped by it rather than
    /// signalled, so no Postfix process outlives the entrypoint.</summary>
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_signal_to_the_whole_process_group_drains_and_leaves_no_Postfix_process(string signal)
    {
        await using var postfix = await PostfixInstance.StartAsync(Fixtures.ModernOptions(graceSeconds: 5));
        Assert.NotNull(postfix.MasterProcessId);

        var exitCode = await postfix.SignalGroupAsync(signal, TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, postfix.Describe());
        Assert.Contains("closed the SMTP listeners", postfix.Errors.Text);
        Assert.Empty(postfix.PostfixProcesses());
    }
}

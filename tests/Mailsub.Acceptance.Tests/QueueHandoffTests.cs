using System.Net;
using System.Net.Sockets;
using MailKit.Security;
using Mailsub.Postfix;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>
/// Two replicas of samples/modern.yaml with the same certificate, as a Deployment runs them: one
/// whose relay host is down stops with a message in its queue and hands it to the other, which
/// delivers it; a client without that certificate cannot use the handoff listener.
/// </summary>
[Collection(PostfixCollection.Name)]
public sealed class QueueHandoffTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_stopping_replica_hands_what_the_relay_did_not_take_to_a_peer()
    {
        var tls = TlsMaterial.SelfSigned("mail.example.com");
        await using var peer = await Samples.StartAsync(Samples.Read("modern"), ModernSample.InitialUsers, tls);
        var deadRelay = $"[127.0.0.1]:{LoopbackPorts.Free()}";
        await using var stopping = await Samples.StartAsync(Samples.Read("modern"), ModernSample.InitialUsers, tls,
            new Dictionary<string, string> { ["relayhost"] = deadRelay });
        var subject = $"handed off {Guid.NewGuid()}";
        await SubmitAsync(stopping, subject);
        Assert.True(await stopping.Output.WaitForAsync("status=deferred", TimeSpan.FromSeconds(15)), stopping.Describe());

        await PointAtAsync(stopping, peer);
        await StopAndExpectHandedOffAsync(stopping, peer, subject);

        Assert.Contains("postfix/handoff", peer.Output.Text);
    }

    [Fact]
    public async Task A_delivery_hanging_on_a_relay_that_never_answers_is_cut_off_and_handed_to_a_peer()
    {
        var tls = TlsMaterial.SelfSigned("mail.example.com");
        await using var peer = await Samples.StartAsync(Samples.Read("modern"), ModernSample.InitialUsers, tls);
        // Accepts the connection and never greets: the smtp client waits smtp_helo_timeout (300 s)
        // with the message locked, far past the 20 s grace period.
        using var silentRelay = new TcpListener(IPAddress.Loopback, 0);
        silentRelay.Start();
        await using var stopping = await Samples.StartAsync(Samples.Read("modern"), ModernSample.InitialUsers, tls,
            new Dictionary<string, string> { ["relayhost"] = $"[127.0.0.1]:{((IPEndPoint)silentRelay.LocalEndpoint).Port}" });
        await PointAtAsync(stopping, peer);
        var subject = $"cut off and handed off {Guid.NewGuid()}";
        await SubmitAsync(stopping, subject);
        using var held = await silentRelay.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(15));

        await StopAndExpectHandedOffAsync(stopping, peer, subject);

        Assert.Contains($"postfix/{QueueHandoff.Transport}", stopping.Output.Text);
    }

    private static async Task SubmitAsync(PostfixInstance stopping, string subject)
    {
        using var client = await MailClient.ConnectAsync(stopping.AsServer(), 587);
        await client.LoginAsync(new SaslMechanismPlain("alice", "alice-secret"));
        await client.SendAsync("alice@example.com", "someone@example.org", subject);
    }

    /// <summary>What the operator writes into the ConfigMap once the peers Service has its address.</summary>
    private static async Task PointAtAsync(PostfixInstance stopping, PostfixInstance peer)
    {
        stopping.WriteConfig(QueueHandoff.PeerFileName, $"[127.0.0.1]:{peer.Port(QueueHandoff.Port)}");
        Assert.True(await stopping.Errors.WaitForAsync("applied the changes", TimeSpan.FromSeconds(15)), stopping.Describe());
    }

    /// <summary>SIGTERM: the stopping replica exits cleanly, having handed its one message to the peer, which delivers it.</summary>
    private async Task StopAndExpectHandedOffAsync(PostfixInstance stopping, PostfixInstance peer, string subject)
    {
        var exitCode = await stopping.StopAsync(TimeSpan.FromSeconds(40));

        output.WriteLine(stopping.Errors.Text);
        Assert.True(exitCode == 0, stopping.Describe());
        await peer.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(20));
        Assert.Contains("handing 1 message(s)", stopping.Errors.Text);
        Assert.DoesNotContain("still queued", stopping.Errors.Text);
    }

    [Fact]
    public async Task Without_the_certificate_the_handoff_listener_relays_nothing()
    {
        await using var peer = await Samples.StartAsync(Samples.Read("modern"), ModernSample.InitialUsers);
        using var client = await MailClient.ConnectAsync(peer.AsServer(), QueueHandoff.Port);

        var (code, reply) = await client.RefusedAsync("alice@example.com", "someone@example.org");

        Assert.True(code == 554, client.Describe(reply));
        Assert.Contains("Access denied", reply);
    }
}

using System.Net;

namespace Mailsub.Postfix.Tests;

public class QueueHandoffTests
{
    [Theory]
    [InlineData("[10.96.0.7]:19587", "[10.96.0.7]:19587")]
    [InlineData(" [fd00::7]:19587\n", "[fd00::7]:19587")]
    [InlineData("10.96.0.7:19587", null)]
    [InlineData("[peers.mail.svc]:19587", null)]
    [InlineData("[10.96.0.7]:19587\nrelayhost = evil", null)]
    [InlineData("[10.96.0.7]:0", null)]
    [InlineData("[10.96.0.7]:", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_peer_file_is_one_address_and_port_or_nothing(string? text, string? relayhost)
    {
        Assert.Equal(relayhost, QueueHandoff.ParsePeer(text));
    }

    [Fact]
    public void The_operator_writes_what_the_entrypoint_reads()
    {
        Assert.Equal("[10.96.0.7]:19587", QueueHandoff.ParsePeer(QueueHandoff.PeerFor(IPAddress.Parse("10.96.0.7"))));
    }

    [Fact]
    public void A_draining_pod_sends_everything_to_the_peer_over_TLS_without_the_relay_credentials()
    {
        var parameters = QueueHandoff.ClientParameters("[10.96.0.7]:19587", "/tls/tls.key", "/tls/tls.crt").ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal("[10.96.0.7]:19587", parameters["relayhost"]);
        Assert.Equal("encrypt", parameters["smtp_tls_security_level"]);
        Assert.Equal("/tls/tls.key, /tls/tls.crt", parameters["smtp_tls_chain_files"]);
        Assert.Equal("no", parameters["smtp_sasl_auth_enable"]);
        Assert.Equal("", parameters["transport_maps"]);
        Assert.Equal((QueueHandoff.Transport, QueueHandoff.Transport), (parameters["default_transport"], parameters["relay_transport"]));
    }

    [Fact]
    public void A_draining_pod_has_no_listeners_and_delivers_only_through_the_handoff_transport()
    {
        const string rendered =
            "587 inet n - n - - smtpd\n  -o smtpd_tls_security_level=encrypt\n" +
            "qmgr unix n - n 300 1 qmgr\n" +
            "smtp unix - - n - - smtp\n" +
            "relay unix - - n - - smtp\n  -o syslog_name=postfix/$service_name\n" +
            "lmtp unix - - n - - lmtp\n";

        var master = MasterCf.Parse(QueueHandoff.ClientMasterCf(rendered));

        Assert.Empty(master.Problems);
        Assert.Equal(["qmgr", "lmtp", QueueHandoff.Transport], master.Services.Select(s => s.Name));
        var transport = master.Services[^1];
        Assert.Equal(("unix", "smtp"), (transport.Type, transport.Command));
    }

    [Fact]
    public void Client_certificates_are_an_inline_table_of_fingerprints()
    {
        Assert.Equal("inline:{ AB:CD=peer, EF:01=peer }", QueueHandoff.ClientCertificates(["AB:CD", "EF:01"]));
    }
}

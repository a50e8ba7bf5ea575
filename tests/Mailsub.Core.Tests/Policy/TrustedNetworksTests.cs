using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Policy;

public class TrustedNetworksTests
{
    [Theory]
    [InlineData("127.0.0.0/8", NetworkBreadth.Acceptable)]
    [InlineData("192.0.2.10", NetworkBreadth.Acceptable)]
    [InlineData("[::1]/128", NetworkBreadth.Acceptable)]
    [InlineData("[2001:db8:1::]/48", NetworkBreadth.Acceptable)]
    [InlineData("192.168.1.0/24", NetworkBreadth.Acceptable)]
    [InlineData("172.20.0.0/16", NetworkBreadth.Acceptable)]
    [InlineData("192.168.0.0/16", NetworkBreadth.Wide)]
    [InlineData("192.168.7.9/16", NetworkBreadth.Wide)]
    [InlineData("10.0.0.0/8", NetworkBreadth.Wide)]
    [InlineData("172.16.0.0/12", NetworkBreadth.Wide)]
    [InlineData("[2001:db8::]/32", NetworkBreadth.Wide)]
    [InlineData("[fc00::]/7", NetworkBreadth.Wide)]
    [InlineData("0.0.0.0/0", NetworkBreadth.Open)]
    [InlineData("128.0.0.0/1", NetworkBreadth.Open)]
    [InlineData("[::]/0", NetworkBreadth.Open)]
    [InlineData("::/0", NetworkBreadth.Open)]
    [InlineData("[2000::]/3", NetworkBreadth.Open)]
    [InlineData("[::ffff:0.0.0.0]/96", NetworkBreadth.Open)]
    [InlineData("[::ffff:10.0.0.0]/104", NetworkBreadth.Wide)]
    // Link-local reaches only the pod's link (its node, the pods beside it), never the Internet.
    [InlineData("[fe80::]/10", NetworkBreadth.Wide)]
    [InlineData("[fe80::]/64", NetworkBreadth.Acceptable)]
    [InlineData("[fe80::]/9", NetworkBreadth.Open)]
    public void Judges_the_breadth_of_an_entry(string entry, NetworkBreadth expected)
    {
        var network = TrustedNetworks.Parse(entry);

        Assert.NotNull(network);
        Assert.Equal(expected, TrustedNetworks.Breadth(network.Value.Address, network.Value.Prefix));
    }

    [Theory]
    [InlineData("!192.0.2.1")]
    [InlineData("hash:/etc/postfix/network_table")]
    [InlineData("/etc/postfix/network_table")]
    [InlineData("mail.example.com")]
    [InlineData("10.0.0.0/33")]
    public void Leaves_entries_it_cannot_judge(string entry) => Assert.Null(TrustedNetworks.Parse(entry));
}

public class TlsProtocolsTests
{
    [Theory]
    [InlineData(">=TLSv1.2", "TLSv1.2")]
    [InlineData(">=TLSv1.3", "TLSv1.3")]
    [InlineData(">=TLSv1", "TLSv1")]
    [InlineData(">=TLSv1.2, <=TLSv1.3", "TLSv1.2")]
    [InlineData("!SSLv2, !SSLv3", "TLSv1")]
    [InlineData("!SSLv2:!SSLv3:!TLSv1:!TLSv1.1", "TLSv1.2")]
    [InlineData("TLSv1.2 TLSv1.3", "TLSv1.2")]
    [InlineData(">=0x0303", "TLSv1.2")]
    [InlineData(">=0301", "TLSv1")]
    [InlineData("", "SSLv2")]
    public void Finds_the_oldest_protocol_allowed(string value, string expected) =>
        Assert.Equal(expected, TlsProtocols.Ordered[TlsProtocols.Lowest(value)!.Value]);

    [Fact]
    public void Excluding_everything_allows_nothing() => Assert.Null(TlsProtocols.Lowest(">=TLSv1.3, !TLSv1.3"));

    [Theory]
    [InlineData("10.1.2.3", "10.0.0.0/8")]
    [InlineData("172.31.0.0/16", "172.16.0.0/12")]
    [InlineData("192.168.0.0/16", "192.168.0.0/16")]
    [InlineData("[fd12:3456::]/64", "fc00::/7")]
    [InlineData("[::ffff:10.0.0.0]/104", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16")]
    [InlineData("172.0.0.0/8", "172.16.0.0/12")]
    [InlineData("172.32.0.0/16", "")]
    [InlineData("192.0.2.10", "")]
    [InlineData("127.0.0.0/8", "")]
    [InlineData("[2001:db8::]/32", "")]
    public void PrivateOverlap_names_the_private_ranges_an_entry_shares_addresses_with(string entry, string ranges)
    {
        var (address, prefix) = TrustedNetworks.Parse(entry)!.Value;

        Assert.Equal(ranges, string.Join(' ', TrustedNetworks.PrivateOverlap(address, prefix)));
    }
}

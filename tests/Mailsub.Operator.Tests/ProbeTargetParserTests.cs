namespace Mailsub.Operator.Tests;

/// <summary>`mailsub run --probe-target`: the Service-to-address map, no API server needed.</summary>
public sealed class ProbeTargetParserTests
{
    [Fact]
    public void Entries_map_a_Service_or_one_of_its_ports_to_an_address()
    {
        var map = ProbeTargetParser.Parse(["mail/modern=10.1.2.3", "mail/modern:587=127.0.0.1:2587", "mail/v6:465=[::1]:2465"], out var error);

        Assert.Null(error);
        Assert.Equal(new Dictionary<string, string>
        {
            ["mail/modern"] = "10.1.2.3", ["mail/modern:587"] = "127.0.0.1:2587", ["mail/v6:465"] = "[::1]:2465",
        }, map);
        Assert.Equal(("10.1.2.3", 465), ProbeTargetParser.HostPort("10.1.2.3", 465));
        Assert.Equal(("127.0.0.1", 2587), ProbeTargetParser.HostPort("127.0.0.1:2587", 587));
        Assert.Equal(("::1", 2465), ProbeTargetParser.HostPort("[::1]:2465", 465));
        Assert.Equal(("fd00::1", 25), ProbeTargetParser.HostPort("fd00::1", 25));
    }

    [Theory]
    [InlineData("modern=127.0.0.1")]
    [InlineData("mail/modern")]
    [InlineData("mail/modern=")]
    [InlineData("mail/modern:smtp=127.0.0.1")]
    [InlineData("mail/modern=127.0.0.1:0")]
    [InlineData("mail/modern=127.0.0.1:70000")]
    public void A_malformed_entry_is_named_with_the_expected_form(string entry)
    {
        ProbeTargetParser.Parse([entry], out var error);

        Assert.Equal($"--probe-target '{entry}': expected NAMESPACE/SERVICE[:PORT]=HOST[:PORT], e.g. mail/modern:587=127.0.0.1:2587", error);
    }
}

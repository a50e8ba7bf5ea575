using Mailsub.Postfix;

namespace Mailsub.Entrypoint.Tests;

public class RuntimeOverridesTests
{
    private static readonly EntrypointOptions Options =
        new("/c", "/u", "/t", "/s", null, TimeSpan.FromSeconds(1));

    [Fact]
    public void Paths_point_into_the_state_and_tls_directories()
    {
        var parameters = RuntimeOverrides.For(Options, new StateLayout("/s"), hasCaFile: true).ToDictionary();

        Assert.Equal(new Dictionary<string, string>
        {
            ["queue_directory"] = "/s/queue",
            ["data_directory"] = "/s/data",
            ["smtpd_tls_chain_files"] = "/t/tls.key, /t/tls.crt",
            ["smtpd_tls_CAfile"] = "/t/ca.crt",
            ["cyrus_sasl_config_path"] = "/s/etc/sasl",
        }, parameters);
    }

    [Fact]
    public void Without_a_CA_the_CA_file_is_cleared_and_listen_sets_inet_interfaces()
    {
        var parameters = RuntimeOverrides.For(Options with { Listen = "127.0.0.1" }, new StateLayout("/s"), hasCaFile: false)
            .ToDictionary();

        Assert.Equal("", parameters["smtpd_tls_CAfile"]);
        Assert.Equal("127.0.0.1", parameters["inet_interfaces"]);
    }

    [Fact]
    public void With_relay_the_password_maps_read_the_state_directory_unless_they_already_do()
    {
        var relay = Options with { RelayDir = "/r" };
        var state = new StateLayout("/s");

        Assert.Equal("texthash:/s/relay-credentials",
            RuntimeOverrides.For(relay, state, true, "texthash:/var/lib/mailsub/relay-credentials").ToDictionary()["smtp_sasl_password_maps"]);
        Assert.Equal("texthash:/s/relay-credentials", RuntimeOverrides.For(relay, state, true, null).ToDictionary()["smtp_sasl_password_maps"]);
        Assert.DoesNotContain("smtp_sasl_password_maps",
            RuntimeOverrides.For(relay, state, true, "texthash:/s/relay-credentials").ToDictionary().Keys);
        Assert.DoesNotContain("smtp_sasl_password_maps",
            RuntimeOverrides.For(Options, state, true, "texthash:/var/lib/mailsub/relay-credentials").ToDictionary().Keys);
    }

    [Fact]
    public void An_empty_ca_crt_is_no_CA()
    {
        var tls = new DirectorySnapshot(new Dictionary<string, byte[]> { ["ca.crt"] = [] });

        Assert.False(RuntimeOverrides.HasCaFile(tls));
        Assert.False(RuntimeOverrides.HasCaFile(DirectorySnapshot.Empty));
    }
}

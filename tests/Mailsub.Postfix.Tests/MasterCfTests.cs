namespace Mailsub.Postfix.Tests;

public class MasterCfTests
{
    [Fact]
    public void Reads_the_eight_fields_and_the_command_arguments()
    {
        var master = MasterCf.Parse("pickup    unix  n       -       y       60      1       pickup -v\n");

        var service = Assert.Single(master.Services);
        Assert.Equal(("pickup", "unix", "n", "-", "y", "60", "1", "pickup"),
            (service.Name, service.Type, service.Private, service.Unprivileged, service.Chroot, service.Wakeup, service.MaxProcesses, service.Command));
        Assert.Equal(["-v"], service.Arguments);
        Assert.Null(service.Port);
        Assert.Equal("pickup/unix", service.Label);
    }

    [Fact]
    public void Collects_overrides_from_continuation_lines_across_comments()
    {
        var master = MasterCf.Parse(
            """
            submission inet n       -       y       -       -       smtpd
              -o syslog_name=postfix/submission
            # a comment inside the entry
              -o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes
            pickup unix n - y 60 1 pickup
            """);

        Assert.Equal(2, master.Services.Count);
        Assert.Equal(
            [("syslog_name", "postfix/submission"), ("smtpd_tls_security_level", "encrypt"), ("smtpd_sasl_auth_enable", "yes")],
            master.Services[0].Options.Select(o => (o.Name, o.Value)));
        Assert.Empty(master.Services[0].Arguments);
    }

    [Fact]
    public void Braced_overrides_keep_spaces_in_the_value()
    {
        var master = MasterCf.Parse("smtp inet n - y - - smtpd\n  -o { smtpd_client_restrictions = permit_mynetworks, reject }\n  -o {smtpd_relay_restrictions=permit_sasl_authenticated, reject}\n");

        Assert.Equal(
            [("smtpd_client_restrictions", "permit_mynetworks, reject"), ("smtpd_relay_restrictions", "permit_sasl_authenticated, reject")],
            master.Services[0].Options.Select(o => (o.Name, o.Value)));
    }

    [Fact]
    public void Keeps_repeated_overrides_in_order()
    {
        var master = MasterCf.Parse("submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_security_level=none\n");

        Assert.Equal(["encrypt", "none"], master.Services[0].Options.Select(o => o.Value));
    }

    [Theory]
    [InlineData("smtp", 25, "25")]
    [InlineData("submission", 587, "587")]
    [InlineData("submissions", 465, "465")]
    [InlineData("smtps", 465, "465")]
    [InlineData("2525", 2525, "2525")]
    [InlineData("127.0.0.1:10025", 10025, "127.0.0.1:10025/inet")]
    [InlineData("[::1]:10025", 10025, "[::1]:10025/inet")]
    public void Resolves_inet_ports_and_labels(string name, int port, string label)
    {
        var service = MasterCf.Parse($"{name} inet n - y - - smtpd\n").Services[0];

        Assert.Equal(port, service.Port);
        Assert.Equal(label, service.Label);
    }

    [Fact]
    public void Reports_short_entries_bad_overrides_and_unbalanced_braces()
    {
        var master = MasterCf.Parse("smtp inet n - y\nsubmission inet n - y - - smtpd -o smtpd_x\nrelay unix - - y - - smtp -o { a = b\nok unix - - y - - smtp\n");

        Assert.Equal([1, 2, 3], master.Problems.Select(p => p.Line));
        Assert.Contains("bad field count", master.Problems[0].Message);
        Assert.Contains("-o needs name=value", master.Problems[1].Message);
        Assert.Contains("unbalanced", master.Problems[2].Message);
        Assert.Equal(["submission", "ok"], master.Services.Select(s => s.Name));
    }

    [Fact]
    public void A_trailing_o_without_a_value_is_a_problem()
    {
        var master = MasterCf.Parse("submission inet n - y - - smtpd -o\n");

        Assert.Single(master.Problems);
        Assert.Empty(master.Services[0].Options);
    }

    private const string Services =
        "# service type private\n" +
        "587       inet  n       -       n       -       -       smtpd\n" +
        "  -o smtpd_tls_security_level=encrypt\n" +
        "# between options\n" +
        "  -o smtpd_sasl_auth_enable=yes\n" +
        "qmgr      unix  n       -       n       300     1       qmgr\n" +
        "127.0.0.1:465 inet n    -       n       -       -       smtpd\n" +
        "  -o smtpd_tls_wrappermode=yes\n" +
        "postlog   unix-dgram n  -       n       -       1       postlogd\n";

    [Fact]
    public void Without_inet_services_drops_their_option_lines_and_keeps_comments()
    {
        Assert.Equal(
            "# service type private\n" +
            "# between options\n" +
            "qmgr      unix  n       -       n       300     1       qmgr\n" +
            "postlog   unix-dgram n  -       n       -       1       postlogd\n",
            MasterCf.WithoutInetServices(Services));
    }

    [Fact]
    public void Renaming_changes_only_the_named_inet_services()
    {
        var result = MasterCf.WithInetServicesRenamed(Services, new Dictionary<string, string> { ["587"] = "40587", ["qmgr"] = "x" });

        Assert.Equal(Services.Replace("587       inet", "40587       inet"), result);
    }
}

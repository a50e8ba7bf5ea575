using Mailsub.Entrypoint;

namespace Mailsub.Entrypoint.Tests;

public class MasterCfTests
{
    private const string Text =
        "# service type private\n" +
        "587       inet  n       -       n       -       -       smtpd\n" +
        "  -o smtpd_tls_security_level=encrypt\n" +
        "  -o smtpd_sasl_auth_enable=yes\n" +
        "qmgr      unix  n       -       n       300     1       qmgr\n" +
        "127.0.0.1:465 inet n    -       n       -       -       smtpd\n" +
        "  -o smtpd_tls_wrappermode=yes\n" +
        "postlog   unix-dgram n  -       n       -       1       postlogd\n";

    [Fact]
    public void Inet_services_are_listed_by_name()
    {
        Assert.Equal(["587", "127.0.0.1:465"], MasterCf.InetServiceNames(Text));
    }

    [Fact]
    public void Inet_services_come_with_their_command_and_overrides()
    {
        var services = MasterCf.InetServices(Text + "2525 inet n - n - - smtpd -o { smtpd_banner = a b }\n");

        Assert.Equal(3, services.Count);
        Assert.Equal(("587", "smtpd"), (services[0].Name, services[0].Command));
        Assert.Equal(new Dictionary<string, string>
        {
            ["smtpd_tls_security_level"] = "encrypt",
            ["smtpd_sasl_auth_enable"] = "yes",
        }, services[0].Overrides);
        Assert.Null(services[2].Overrides);
    }

    [Fact]
    public void Without_inet_services_drops_their_option_lines_too()
    {
        Assert.Equal(
            "# service type private\n" +
            "qmgr      unix  n       -       n       300     1       qmgr\n" +
            "postlog   unix-dgram n  -       n       -       1       postlogd\n",
            MasterCf.WithoutInetServices(Text));
    }

    [Fact]
    public void Renaming_changes_only_the_named_inet_services()
    {
        string result = MasterCf.WithInetServicesRenamed(Text, new Dictionary<string, string> { ["587"] = "40587" });

        Assert.Equal(Text.Replace("587       inet", "40587       inet"), result);
    }
}

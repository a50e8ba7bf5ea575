using Mailsub.Entrypoint;

namespace Mailsub.Entrypoint.Tests;

public class SmtpdConfTests
{
    [Fact]
    public void The_sasldb_path_line_is_replaced_in_place()
    {
        string text = "pwcheck_method: auxprop\nsasldb_path: /var/lib/mailsub/sasldb2\nmech_list: PLAIN\n";

        Assert.Equal("pwcheck_method: auxprop\nsasldb_path: /tmp/s/sasldb2\nmech_list: PLAIN\n",
            SmtpdConf.WithSaslDbPath(text, "/tmp/s/sasldb2"));
    }

    [Fact]
    public void A_missing_sasldb_path_is_added_and_a_repeated_one_kept_once()
    {
        Assert.Equal("mech_list: PLAIN\nsasldb_path: /s\n", SmtpdConf.WithSaslDbPath("mech_list: PLAIN", "/s"));
        Assert.Equal("sasldb_path: /s\n", SmtpdConf.WithSaslDbPath("sasldb_path: /a\n  sasldb_path: /b\n", "/s"));
    }
}

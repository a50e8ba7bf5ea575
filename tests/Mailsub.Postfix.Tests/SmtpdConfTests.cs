namespace Mailsub.Postfix.Tests;

public class SmtpdConfTests
{
    [Fact]
    public void Reads_options_and_the_mechanism_list()
    {
        var sasl = SmtpdConf.Parse("# Cyrus SASL for smtpd\npwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: cram-md5   DIGEST-MD5\n");

        Assert.Equal("auxprop", sasl.Options["pwcheck_method"]);
        Assert.Equal(["CRAM-MD5", "DIGEST-MD5"], sasl.Mechanisms);
    }

    [Fact]
    public void Without_mech_list_the_mechanisms_are_unknown()
    {
        Assert.Null(SmtpdConf.Parse("pwcheck_method: saslauthd\n").Mechanisms);
        Assert.Null(SmtpdConf.Empty.Mechanisms);
    }

    [Fact]
    public void Mech_list_is_split_at_whitespace_only_and_read_from_its_last_line()
    {
        // Cyrus 2.1.28 (lib/server.c) splits at whitespace and skips "PLAIN,": no mechanism has that name.
        Assert.Equal(["CRAM-MD5"], SmtpdConf.Parse("mech_list: LOGIN\n  mech_list: PLAIN, CRAM-MD5\n").Mechanisms);
    }

    [Fact]
    public void The_sasldb_path_line_is_replaced_in_place()
    {
        var text = "pwcheck_method: auxprop\nsasldb_path: /var/lib/mailsub/sasldb2\nmech_list: PLAIN\n";

        Assert.Equal("pwcheck_method: auxprop\nsasldb_path: /tmp/s/sasldb2\nmech_list: PLAIN\n",
            SmtpdConf.WithSaslDbPath(text, "/tmp/s/sasldb2"));
    }

    [Fact]
    public void A_missing_sasldb_path_is_added_and_a_repeated_one_kept_once()
    {
        Assert.Equal("mech_list: PLAIN\nsasldb_path: /s\n", SmtpdConf.WithSaslDbPath("mech_list: PLAIN", "/s"));
        Assert.Equal("sasldb_path: /s\n", SmtpdConf.WithSaslDbPath("sasldb_path: /a\n  sasldb_path: /b\n", "/s"));
        Assert.Equal("# sasldb_path: /a\nsasldb_path: /s\n", SmtpdConf.WithSaslDbPath("# sasldb_path: /a\n", "/s"));
    }
}

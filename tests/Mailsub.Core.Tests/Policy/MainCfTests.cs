using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Policy;

public class MainCfTests
{
    [Fact]
    public void Reads_name_value_pairs_with_or_without_spaces()
    {
        var main = MainCf.Parse("myhostname = mail.example.com\nmydomain=example.com\nrelayhost =\n");

        Assert.Equal("mail.example.com", main["myhostname"]);
        Assert.Equal("example.com", main["mydomain"]);
        Assert.Equal("", main["relayhost"]);
        Assert.Empty(main.Problems);
    }

    [Fact]
    public void Joins_continuation_lines_with_one_space()
    {
        var main = MainCf.Parse("smtpd_relay_restrictions =\n    permit_sasl_authenticated,\n\tpermit_mynetworks,\n    reject_unauth_destination\n");

        Assert.Equal("permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination", main["smtpd_relay_restrictions"]);
    }

    [Fact]
    public void Comment_and_blank_lines_do_not_end_a_continued_value()
    {
        // postconf 3.7.11 reads this as "a .b .c".
        var main = MainCf.Parse("mydomain = a\n# comment\n  .b\n\n    # indented comment\n  .c\nmyorigin = x\n");

        Assert.Equal("a .b .c", main["mydomain"]);
        Assert.Equal("x", main["myorigin"]);
    }

    [Fact]
    public void Hash_after_text_is_part_of_the_value()
    {
        var main = MainCf.Parse("smtpd_banner = $myhostname ESMTP # not a comment\n");

        Assert.Equal("$myhostname ESMTP # not a comment", main["smtpd_banner"]);
    }

    [Fact]
    public void Later_definitions_win_and_every_definition_is_kept_in_order()
    {
        var main = MainCf.Parse("myhostname = a.example\nmydomain = example\nmyhostname = b.example\n");

        Assert.Equal("b.example", main["myhostname"]);
        Assert.Equal([("myhostname", 1), ("mydomain", 2), ("myhostname", 3)], main.Definitions.Select(d => (d.Name, d.Line)));
    }

    [Fact]
    public void Keeps_references_unexpanded()
    {
        var main = MainCf.Parse("smtpd_sasl_tls_security_options = $smtpd_sasl_security_options\n");

        Assert.Equal("$smtpd_sasl_security_options", main["smtpd_sasl_tls_security_options"]);
    }

    [Fact]
    public void Reports_lines_postfix_refuses_or_ignores()
    {
        var main = MainCf.Parse("  leading = 1\nmyorigin = x\nnot a parameter line\n= value\n");

        Assert.Equal([1, 3, 4], main.Problems.Select(p => p.Line));
        Assert.Contains("must not start with whitespace", main.Problems[0].Message);
        Assert.Contains("missing '='", main.Problems[1].Message);
        Assert.Equal("main.cf:3", main.Problems[1].Location);
        Assert.Equal(["myorigin"], main.Definitions.Select(d => d.Name));
    }

    [Fact]
    public void Accepts_crlf_line_endings()
    {
        var main = MainCf.Parse("myhostname = mail.example.com\r\nmydomain =\r\n  example.com\r\n");

        Assert.Equal("mail.example.com", main["myhostname"]);
        Assert.Equal("example.com", main["mydomain"]);
    }
}

namespace Mailsub.Postfix.Tests;

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

    private static string Set(string text, params (string Name, string Value)[] parameters) =>
        MainCf.WithParameters(text, parameters.Select(p => KeyValuePair.Create(p.Name, p.Value)).ToArray(), "tests");

    [Fact]
    public void A_replaced_parameter_leaves_its_old_place_and_is_appended()
    {
        var result = Set("myhostname = a\nqueue_directory = /var/lib/mailsub/queue\nmydomain = b\n",
            ("queue_directory", "/tmp/q"));

        Assert.Equal("myhostname = a\nmydomain = b\n# Set by tests\nqueue_directory = /tmp/q\n", result);
    }

    [Fact]
    public void Continuation_lines_go_with_their_parameter_and_comments_stay()
    {
        var text = "smtpd_relay_restrictions = permit_mynetworks,\n# inside\n    reject\n# note\nmydomain = b\n";

        var result = Set(text, ("smtpd_relay_restrictions", "reject"));

        Assert.Equal("# inside\n# note\nmydomain = b\n# Set by tests\nsmtpd_relay_restrictions = reject\n", result);
    }

    [Fact]
    public void Every_definition_of_a_repeated_parameter_is_removed()
    {
        var result = Set("inet_interfaces = all\ninet_interfaces = 10.0.0.1\n", ("inet_interfaces", "127.0.0.1"));

        Assert.Equal("# Set by tests\ninet_interfaces = 127.0.0.1\n", result);
    }

    [Fact]
    public void Editing_finds_a_parameter_where_parsing_does()
    {
        // The name is read from the logical line, as Postfix reads it, not from the first physical line.
        var result = Set("relayhost\n  = [a]:587\nmydomain = b\n", ("relayhost", "[b]:587"));

        Assert.Equal("mydomain = b\n# Set by tests\nrelayhost = [b]:587\n", result);
        Assert.Equal("[b]:587", MainCf.Parse(result)["relayhost"]);
    }

    [Fact]
    public void Comments_blank_lines_lines_postfix_ignores_and_similar_names_are_kept()
    {
        var text = "  orphan continuation\n# queue_directory = /x\n\nqueue_directory_extra = 1\n  # indented comment\nnot a parameter\n";

        Assert.StartsWith(text, Set(text, ("queue_directory", "/q")));
    }

    [Fact]
    public void Nothing_to_set_returns_the_text_with_line_ends()
    {
        Assert.Equal("a = 1\n", Set("a = 1"));
        Assert.Equal("a = 1\nb = 2\n", Set("a = 1\r\nb = 2\r\n"));
    }
}

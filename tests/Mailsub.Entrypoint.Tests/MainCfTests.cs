using Mailsub.Entrypoint;

namespace Mailsub.Entrypoint.Tests;

public class MainCfTests
{
    private static string Set(string text, params (string Name, string Value)[] parameters) =>
        MainCf.WithParameters(text, parameters.Select(p => KeyValuePair.Create(p.Name, p.Value)).ToArray(), "tests");

    [Fact]
    public void A_replaced_parameter_leaves_its_old_place_and_is_appended()
    {
        string result = Set("myhostname = a\nqueue_directory = /var/lib/mailsub/queue\nmydomain = b\n",
            ("queue_directory", "/tmp/q"));

        Assert.Equal("myhostname = a\nmydomain = b\n# Set by tests\nqueue_directory = /tmp/q\n", result);
    }

    [Fact]
    public void Continuation_lines_go_with_their_parameter()
    {
        string text = "smtpd_relay_restrictions = permit_mynetworks,\n    reject\n# note\nmydomain = b\n";

        string result = Set(text, ("smtpd_relay_restrictions", "reject"));

        Assert.Equal("# note\nmydomain = b\n# Set by tests\nsmtpd_relay_restrictions = reject\n", result);
    }

    [Fact]
    public void Every_definition_of_a_repeated_parameter_is_removed()
    {
        string result = Set("inet_interfaces = all\ninet_interfaces = 10.0.0.1\n", ("inet_interfaces", "127.0.0.1"));

        Assert.Equal("# Set by tests\ninet_interfaces = 127.0.0.1\n", result);
    }

    [Fact]
    public void ValueOf_reads_the_last_definition_with_its_continuation_lines()
    {
        string text = "relayhost = [a]:25\n# relayhost = [c]:25\nrelayhost = [b]:587,\n    [d]:587\nrelayhost_x = y\n";

        Assert.Equal("[b]:587, [d]:587", MainCf.ValueOf(text, "relayhost"));
        Assert.Equal("", MainCf.ValueOf("relayhost =\n", "relayhost"));
        Assert.Null(MainCf.ValueOf(text, "smtp_sasl_password_maps"));
    }

    [Fact]
    public void Comments_blank_lines_and_similar_names_are_kept()
    {
        string text = "# queue_directory = /x\n\nqueue_directory_extra = 1\n  # indented comment\n";

        Assert.StartsWith(text, Set(text, ("queue_directory", "/q")));
    }

    [Fact]
    public void Nothing_to_set_returns_the_text_unchanged()
    {
        Assert.Equal("a = 1\n", Set("a = 1"));
    }
}

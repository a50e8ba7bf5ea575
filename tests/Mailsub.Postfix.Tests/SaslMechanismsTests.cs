namespace Mailsub.Postfix.Tests;

public class SaslMechanismsTests
{
    [Theory]
    [InlineData("noanonymous, noplaintext", "CRAM-MD5 DIGEST-MD5 SCRAM-SHA-256")]
    [InlineData("noanonymous", "PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-256")]
    [InlineData("", "ANONYMOUS PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-256")]
    [InlineData("noactive", "SCRAM-SHA-256")]
    [InlineData("mutual_auth", "DIGEST-MD5 SCRAM-SHA-256")]
    public void Security_options_remove_the_mechanisms_lacking_a_property(string options, string expected)
    {
        var all = new[] { "ANONYMOUS", "PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-256" };

        Assert.Equal(expected.Split(' '), SaslMechanisms.Offered(all, PostfixList.Split(options)));
    }

    [Fact]
    public void Unmodelled_mechanisms_are_assumed_to_pass()
    {
        Assert.Equal(["GSSAPI"], SaslMechanisms.Offered(["GSSAPI"], ["noplaintext", "noactive", "nodictionary"]));
    }

    [Theory]
    [InlineData("PLAIN", true)]
    [InlineData("LOGIN", true)]
    [InlineData("CRAM-MD5", false)]
    [InlineData("ANONYMOUS", false)]
    [InlineData("GSSAPI", false)]
    public void Knows_which_mechanisms_send_the_password(string mechanism, bool plaintext) =>
        Assert.Equal(plaintext, SaslMechanisms.IsPlaintext(mechanism));
}

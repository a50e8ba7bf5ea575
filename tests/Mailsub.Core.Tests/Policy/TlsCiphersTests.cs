using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;

namespace Mailsub.Core.Tests.Policy;

public class TlsCiphersTests
{
    private const WeakCiphers All = WeakCiphers.Anonymous | WeakCiphers.StaticRsa | WeakCiphers.CbcSha1 | WeakCiphers.CbcSha2;

    [Theory]
    // Postfix's own lists: "-aNULL" only moves anonymous ciphers, HIGH adds them back.
    [InlineData("aNULL:-aNULL:HIGH:@STRENGTH", "", All)]
    [InlineData("aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH", "aNULL", WeakCiphers.StaticRsa | WeakCiphers.CbcSha1 | WeakCiphers.CbcSha2)]
    [InlineData("HIGH:!aNULL:!kRSA", "SHA1", WeakCiphers.CbcSha2)]
    [InlineData("HIGH", "aNULL kRSA SHA1 SHA256 SHA384", WeakCiphers.None)]
    [InlineData("DEFAULT", "", WeakCiphers.StaticRsa | WeakCiphers.CbcSha1 | WeakCiphers.CbcSha2)]
    [InlineData("ECDHE+AESGCM:DHE+CHACHA20", "", WeakCiphers.None)]
    [InlineData("ADH-AES256-GCM-SHA384:AES128-SHA:ECDHE-RSA-AES256-SHA384", "", All)]
    [InlineData("ADH-AES256-GCM-SHA384:AES128-SHA", "aNULL", WeakCiphers.StaticRsa | WeakCiphers.CbcSha1)]
    [InlineData("ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:!AES128-SHA", "", WeakCiphers.None)]
    [InlineData("FOO", "", All)]
    public void Allowed_names_what_a_cipher_string_lets_through(string cipherList, string exclusions, WeakCiphers expected)
    {
        Assert.Equal(expected, TlsCiphers.Allowed(cipherList, exclusions.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void The_profiles_lists_are_what_the_profiles_promise()
    {
        Assert.Equal(WeakCiphers.None, TlsCiphers.Allowed(string.Join(':', TlsCipherLists.Intermediate), []));
        Assert.Equal(WeakCiphers.StaticRsa | WeakCiphers.CbcSha1 | WeakCiphers.CbcSha2, TlsCiphers.Allowed(string.Join(':', TlsCipherLists.Legacy), []));
    }
}

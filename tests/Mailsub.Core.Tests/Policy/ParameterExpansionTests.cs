using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Policy;

public class ParameterExpansionTests
{
    private static readonly Dictionary<string, string> Values = new()
    {
        ["myhostname"] = "mail.example.com",
        ["mydomain"] = "example.com",
        ["chain"] = "$myhostname and ${mydomain}",
        ["empty"] = "",
        ["loop"] = "$loop",
    };

    private static string Expand(string value) => ParameterExpansion.Expand(value, name => Values.GetValueOrDefault(name));

    [Theory]
    [InlineData("$myhostname", "mail.example.com")]
    [InlineData("${myhostname}", "mail.example.com")]
    [InlineData("$(myhostname)", "mail.example.com")]
    [InlineData("smtp.$mydomain", "smtp.example.com")]
    [InlineData("$chain", "mail.example.com and example.com")]
    [InlineData("$undefined.x", ".x")]
    [InlineData("cost $$5", "cost $5")]
    [InlineData("a $ b", "a $ b")]
    [InlineData("${mydomain?yes}", "yes")]
    [InlineData("${empty?yes}", "")]
    [InlineData("${empty:fallback}", "fallback")]
    [InlineData("${mydomain:fallback}", "")]
    [InlineData("${mydomain?{set}:{unset}}", "set")]
    [InlineData("${empty?{set} : {unset}}", "unset")]
    [InlineData("${{$compatibility_level} <level {1} ? {} : {x}}", "${{$compatibility_level} <level {1} ? {} : {x}}")]
    [InlineData("${unclosed", "${unclosed")]
    public void Expands_like_postfix(string value, string expected) => Assert.Equal(expected, Expand(value));

    [Fact]
    public void Stops_a_reference_loop() => Assert.Equal("$loop", Expand("$loop"));

    [Fact]
    public void Lists_every_reference()
    {
        Assert.Equal(["a", "b", "c", "d", "e"], ParameterExpansion.References("$a ${b} $(c) ${d?$e} $$literal"));
    }
}

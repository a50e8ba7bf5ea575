namespace Mailsub.Postfix.Tests;

public class TextLinesTests
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData("a", new[] { "a" })]
    [InlineData("a\n", new[] { "a" })]
    [InlineData("a\r\n\nb", new[] { "a", "", "b" })]
    [InlineData("a\rb\u2028c\fd", new[] { "a\rb\u2028c\fd" })]
    public void Only_LF_ends_a_line_and_a_final_one_starts_none(string text, string[] lines)
    {
        Assert.Equal(lines, TextLines.Split(text));
    }
}

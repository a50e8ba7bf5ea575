using System.Text.Json.Nodes;
using Mailsub.Core.Serialization;

namespace Mailsub.Core.Tests.Serialization;

public class YamlWriterTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("true")]
    [InlineData("No")]
    [InlineData("~")]
    [InlineData("0755")]
    [InlineData("1e3")]
    [InlineData("")]
    [InlineData(" leading space")]
    [InlineData("trailing space ")]
    [InlineData("key: value")]
    [InlineData("# comment")]
    [InlineData("- dash")]
    [InlineData("quote \" and \\ backslash")]
    [InlineData("tab\there")]
    [InlineData("bell\u0007")]
    [InlineData("main.cf\nline two\n")]
    [InlineData("no final newline\nsecond")]
    [InlineData("two final newlines\n\n")]
    [InlineData("  indented first line\nsecond\n")]
    [InlineData("$myhostname ESMTP")]
    [InlineData("[::1]/128")]
    [InlineData("日本語")]
    public void Strings_read_back_unchanged(string text)
    {
        var document = new JsonObject { ["value"] = text, ["list"] = new JsonArray(text, new JsonObject { ["nested"] = text }) };

        var reparsed = YamlDocuments.Parse(YamlWriter.Write(document)).Single();

        Assert.True(JsonNode.DeepEquals(document, reparsed), YamlWriter.Write(document));
    }

    [Fact]
    public void Random_strings_read_back_unchanged()
    {
        var random = new Random(20261128);
        const string alphabet = "ab :#-\"'\\\n\t{}[],&*!|>%@`?=$.0123456789 \u00e9\u3042";
        for (var i = 0; i < 2000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var document = new JsonObject { ["k"] = text };
            var yaml = YamlWriter.Write(document);
            Assert.True(JsonNode.DeepEquals(document, YamlDocuments.Parse(yaml).Single()), $"{text} -> {yaml}");
        }
    }

    [Fact]
    public void Multi_line_strings_become_literal_blocks()
    {
        var yaml = YamlWriter.Write(new JsonObject { ["data"] = new JsonObject { ["main.cf"] = "a = 1\nb = 2\n" } });

        Assert.Equal("data:\n  main.cf: |\n    a = 1\n    b = 2\n", yaml);
    }

    [Fact]
    public void Numbers_booleans_and_nulls_keep_their_type()
    {
        var document = new JsonObject { ["i"] = 587, ["f"] = 1.5, ["b"] = false, ["n"] = null, ["e"] = new JsonObject(), ["a"] = new JsonArray() };

        var reparsed = YamlDocuments.Parse(YamlWriter.Write(document)).Single();

        Assert.True(JsonNode.DeepEquals(document, reparsed));
    }

    [Fact]
    public void Documents_are_separated()
    {
        var yaml = YamlWriter.WriteAll([new JsonObject { ["a"] = 1 }, new JsonObject { ["b"] = 2 }]);

        Assert.Equal("a: 1\n---\nb: 2\n", yaml);
        Assert.Equal(2, YamlDocuments.Parse(yaml).Count);
    }
}

using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Validation;

/// <summary>
/// Every file under bad/ is a resource that must be refused, with an error naming the field its
/// "# expect:" line gives. Refused input never yields a ValidSubmission, and only a
/// ValidSubmission can be rendered, so nothing of it reaches Postfix.
/// </summary>
public class BadInputCorpusTests
{
    public static TheoryData<string> Files() =>
        new(Directory.GetFiles(Repository.PathOf("tests", "Mailsub.Core.Tests", "Validation", "bad"), "*.yaml").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Refused_with_the_field_named(string file)
    {
        var text = File.ReadAllText(Repository.PathOf("tests", "Mailsub.Core.Tests", "Validation", "bad", file));
        var expected = text.Split('\n')[0].Replace("# expect: ", "").Trim();

        var errors = Check(text, out var valid);

        Assert.Null(valid);
        Assert.NotEmpty(errors);
        Assert.True(errors.Any(e => e.Field == expected), $"expected an error on {expected}, got: {string.Join("; ", errors)}");
        Assert.All(errors, e => Assert.DoesNotContain('\n', e.ToString()));
    }

    [Fact]
    public void Corpus_is_not_empty()
    {
        Assert.True(Files().Count >= 60, "the bad-input corpus lost files");
    }

    internal static IReadOnlyList<FieldError> Check(string text, out ValidSubmission? valid)
    {
        valid = null;
        var read = ManifestReader.ReadMailSubmission(text);
        if (read.Resource is null)
            return read.Errors;
        var result = SubmissionValidator.Validate(read.Resource);
        valid = result.Valid;
        return result.Errors;
    }
}

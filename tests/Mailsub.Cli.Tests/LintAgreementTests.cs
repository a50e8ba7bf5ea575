using System.Text.Json.Nodes;
using Mailsub.Core.Admission;
using Mailsub.Core.Policy;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;

namespace Mailsub.Cli.Tests;

/// <summary>
/// `mailsub lint` gives the answer of the webhook's and the reconciler's check
/// (<see cref="SubmissionCheck.RunAsync"/>, with no Secret to read) on every file of the
/// bad-input corpus: the same exit, the same fields and messages, the same findings.
/// </summary>
public class LintAgreementTests
{
    private static readonly string Corpus = Path.Combine(MailsubBinary.Root, "tests", "Mailsub.Core.Tests", "Validation", "bad");

    public static TheoryData<string> Files() => new(Directory.GetFiles(Corpus, "*.yaml").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Lint_and_the_check_agree(string file)
    {
        var path = Path.Combine(Corpus, file);
        var (code, stdout, _) = MailsubBinary.Run("lint", "-f", path, "-o", "json");
        var lint = JsonNode.Parse(stdout)!;

        var read = ManifestReader.ReadMailSubmission(File.ReadAllText(path));
        var check = read.Resource is { } resource ? await SubmissionCheck.RunAsync(resource, _ => ValueTask.FromResult<ExistingCertificate?>(null)) : null;
        if (check?.Report is not { } report)
        {
            Assert.Equal(2, code);
            Assert.Equal("Unknown", (string?)lint["policy"]);
            Assert.Equal(Lines(check?.Validation.Errors ?? read.Errors), lint["errors"]!.AsArray().Select(e => $"{e!["field"]}: {e["message"]}"));
            return;
        }
        var verdict = AdmissionVerdict.Of(check);
        Assert.Equal(verdict.Allowed ? 0 : 1, code);
        Assert.Equal(report.Summary, (string?)lint["policy"]);
        Assert.Equal(report.Findings.Select(f => f.Code), lint["findings"]!.AsArray().Select(f => (string?)f!["code"]));
    }

    [Fact]
    public void Corpus_is_there()
    {
        Assert.True(Files().Count >= 60, $"the bad-input corpus at {Corpus} lost files");
    }

    private static IEnumerable<string> Lines(IEnumerable<FieldError> errors) => errors.Select(e => $"{e.Field}: {e.Message}");
}

using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Validation;

public class DkimValidationTests
{
    private static MailSubmission WithDkim(params DkimDomainSpec[] domains) =>
        Gen.Submission("m", s => s.Dkim = new DkimSpec { Domains = [.. domains] });

    [Fact]
    public void Without_keys_the_signing_selector_is_the_domains_one_generated_key()
    {
        var valid = Gen.Valid(WithDkim(new DkimDomainSpec { Name = "example.com", SigningSelector = "mail2026" }));

        var key = Assert.Single(valid.DkimKeys);
        Assert.Equal(new DkimKey("example.com", "mail2026", null, Signs: true), key);
        Assert.Equal("mail2026._domainkey.example.com", key.RecordName);
    }

    [Fact]
    public void Without_spec_dkim_there_are_no_keys()
    {
        Assert.Empty(Gen.Valid(Gen.Submission("m")).DkimKeys);
    }

    [Fact]
    public void Two_keys_one_signing()
    {
        var valid = Gen.Valid(WithDkim(new DkimDomainSpec
        {
            Name = "example.com",
            SigningSelector = "b",
            Keys = [new DkimKeySpec { Selector = "a" }, new DkimKeySpec { Selector = "b", PrivateKeySecretRef = new SecretKeyReference { Name = "k", Key = "b.pem" } }],
        }));

        Assert.Equal([("a", false), ("b", true)], valid.DkimKeys.Select(k => (k.Selector, k.Signs)));
    }

    [Theory]
    [InlineData("Example.com", "s", "spec.dkim.domains[0].name", "is not a lower-case fully qualified domain name")]
    [InlineData("example.com\nx", "s", "spec.dkim.domains[0].name", "is not a lower-case fully qualified domain name")]
    [InlineData("localhost", "s", "spec.dkim.domains[0].name", "is not a lower-case fully qualified domain name")]
    [InlineData("", "s", "spec.dkim.domains[0].name", "required")]
    [InlineData("example.com", "", "spec.dkim.domains[0].signingSelector", "required")]
    [InlineData("example.com", "s_1", "spec.dkim.domains[0].signingSelector", "is not a selector")]
    [InlineData("example.com", "s 1", "spec.dkim.domains[0].signingSelector", "is not a selector")]
    [InlineData("example.com", "-s", "spec.dkim.domains[0].signingSelector", "is not a selector")]
    [InlineData("example.com", "a..b", "spec.dkim.domains[0].signingSelector", "is not a selector")]
    [InlineData("example.com", "S", "spec.dkim.domains[0].signingSelector", "is not a selector")]
    public void Domain_and_selector_syntax_is_checked_by_field(string domain, string selector, string field, string message)
    {
        var result = SubmissionValidator.Validate(WithDkim(new DkimDomainSpec { Name = domain, SigningSelector = selector }));

        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_signing_selector_must_be_one_of_the_keys()
    {
        var result = SubmissionValidator.Validate(WithDkim(new DkimDomainSpec
        {
            Name = "example.com",
            SigningSelector = "c",
            Keys = [new DkimKeySpec { Selector = "a" }, new DkimKeySpec { Selector = "b" }],
        }));

        var error = Assert.Single(result.Errors);
        Assert.Equal("spec.dkim.domains[0].signingSelector", error.Field);
        Assert.Contains("\"c\" is none of the domain's keys (a, b)", error.Message);
    }

    [Fact]
    public void Domains_and_selectors_are_each_listed_once_and_key_references_are_checked()
    {
        var result = SubmissionValidator.Validate(WithDkim(
            new DkimDomainSpec { Name = "example.com", SigningSelector = "a", Keys = [new DkimKeySpec { Selector = "a" }, new DkimKeySpec { Selector = "a" }] },
            new DkimDomainSpec { Name = "example.com", SigningSelector = "a", Keys = [new DkimKeySpec { Selector = "a", PrivateKeySecretRef = new SecretKeyReference { Name = "Bad", Key = "k" } }] }));

        Assert.Equal(
            ["spec.dkim.domains[0].keys[1].selector", "spec.dkim.domains[1].name", "spec.dkim.domains[1].keys[0].privateKeySecretRef.name"],
            result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void An_empty_dkim_is_an_error_not_a_silent_no()
    {
        var error = Assert.Single(SubmissionValidator.Validate(WithDkim()).Errors);

        Assert.Equal("spec.dkim.domains", error.Field);
    }
}

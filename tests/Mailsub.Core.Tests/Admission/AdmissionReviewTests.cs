using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Core.Admission;
using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Admission;

/// <summary>AdmissionReview in and out, and the verdict of a <see cref="SubmissionCheck"/>.</summary>
public class AdmissionReviewTests
{
    private static readonly Func<Mailsub.Core.Validation.ValidSubmission, ValueTask<ExistingCertificate?>> NoSecret = _ => ValueTask.FromResult<ExistingCertificate?>(null);

    [Theory]
    [InlineData("{not json", "not JSON")]
    [InlineData("[]", "expected an AdmissionReview object")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}""", "expected apiVersion admission.k8s.io/v1")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""", "without request")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}""", "request.uid")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":"x"}}""", "must be objects")]
    public void Malformed_reviews_say_what_is_wrong(string body, string reason)
    {
        Assert.Null(AdmissionReview.Parse(Encoding.UTF8.GetBytes(body), out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_relay_is_refused_at_the_spec_field_with_the_finding_code()
    {
        var open = Samples.Read("modern");
        open.Spec.TrustedNetworks = ["0.0.0.0/0"];
        var verdict = AdmissionVerdict.Of(await SubmissionCheck.RunAsync(open, NoSecret));

        Assert.False(verdict.Allowed);
        var cause = Assert.Single(verdict.Causes, c => c.Field == "spec.trustedNetworks");
        Assert.StartsWith("TrustedNetworksOpen: ", cause.Message, StringComparison.Ordinal);
        Assert.Contains("policy Unhealthy", verdict.Message, StringComparison.Ordinal);

        var response = JsonNode.Parse(AdmissionReview.Response("uid-1", verdict, "modern"))!;
        Assert.Equal("uid-1", response["response"]!["uid"]!.GetValue<string>());
        Assert.False(response["response"]!["allowed"]!.GetValue<bool>());
        Assert.Equal(422, response["response"]!["status"]!["code"]!.GetValue<int>());
        Assert.Equal("spec.trustedNetworks", response["response"]!["status"]!["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_invalid_spec_is_refused_with_the_validators_errors()
    {
        var bad = Samples.Read("modern");
        bad.Spec.Hostname = "not a hostname";
        var check = await SubmissionCheck.RunAsync(bad, NoSecret);
        var verdict = AdmissionVerdict.Of(check);

        Assert.False(verdict.Allowed);
        Assert.Equal(check.Validation.Errors.Select(e => e.Field), verdict.Causes.Select(c => c.Field));
        Assert.Contains("spec.hostname", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_seed_sample_is_allowed_with_its_legacy_mechanism_warning()
    {
        var verdict = AdmissionVerdict.Of(await SubmissionCheck.RunAsync(Samples.Read("seed"), NoSecret));

        Assert.True(verdict.Allowed);
        Assert.Contains(verdict.Warnings, w => w.StartsWith("spec.auth.profile: LegacyAuthMechanism: ", StringComparison.Ordinal));
        Assert.All(verdict.Warnings, w => Assert.DoesNotContain(w, char.IsControl));
        var response = JsonNode.Parse(AdmissionReview.Response("u", verdict))!["response"]!;
        Assert.Null(response["status"]);
        Assert.Equal(verdict.Warnings.Count, response["warnings"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_update_that_keeps_a_failing_spec_is_allowed_with_the_refusal_as_warnings()
    {
        var open = Samples.Read("modern");
        open.Spec.TrustedNetworks = ["0.0.0.0/0"];
        var verdict = AdmissionVerdict.Of(await SubmissionCheck.RunAsync(open, NoSecret), keepsSpec: true);

        Assert.True(verdict.Allowed);
        Assert.Contains(verdict.Warnings, w => w.Contains("spec.trustedNetworks: TrustedNetworksOpen", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("DELETE", false, """{"a":1}""", """{"a":1}""", true, false)]
    [InlineData("CREATE", false, """{"a":1}""", null, false, false)]
    [InlineData("UPDATE", true, """{"a":1}""", """{"a":2}""", true, false)]
    [InlineData("UPDATE", false, """{"a":1}""", """{"a":1}""", false, true)]
    [InlineData("UPDATE", false, """{"a":1}""", """{"a":2}""", false, false)]
    public void Which_requests_are_checked(string operation, bool deleting, string spec, string? oldSpec, bool noCheck, bool keepsSpec)
    {
        JsonObject Object(string s) => new()
        {
            ["metadata"] = deleting ? new JsonObject { ["deletionTimestamp"] = "2026-01-01T00:00:00Z" } : new JsonObject(),
            ["spec"] = JsonNode.Parse(s),
        };
        var request = new AdmissionRequest("u", operation, Object(spec), oldSpec is null ? null : Object(oldSpec));
        Assert.Equal(noCheck, AdmissionReview.NeedsNoCheck(request));
        Assert.Equal(keepsSpec, AdmissionReview.KeepsSpec(request));
    }

    [Fact]
    public void The_response_is_an_AdmissionReview_v1()
    {
        var review = JsonNode.Parse(AdmissionReview.Response("u", AdmissionVerdict.Allow()))!;
        Assert.Equal("admission.k8s.io/v1", review["apiVersion"]!.GetValue<string>());
        Assert.Equal("AdmissionReview", review["kind"]!.GetValue<string>());
        Assert.True(review["response"]!["allowed"]!.GetValue<bool>());
        Assert.Null(review["response"]!["warnings"]);
    }
}

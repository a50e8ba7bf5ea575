using System.Diagnostics;
using Mailsub.Core.Admission;
using Mailsub.Core.Policy;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;
using Mailsub.Runtime.Webhooks;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator;

/// <summary>How a request to the webhook ended: the verdict label of mailsub_webhook_requests_total.</summary>
public enum WebhookVerdict
{
    Allowed,
    Denied,
    /// <summary>No verdict: not an AdmissionReview (4xx), or the check failed (500).</summary>
    Error,
}

/// <summary>
/// The validating admission webhook of MailSubmissions: the reconciler's own check
/// (<see cref="SubmissionCheck"/>) before the API server stores the object. An invalid spec or an
/// Unhealthy policy is refused with the fields to change, warnings are returned as admission
/// warnings. Served on every replica; it reads only the TLS Secret cache, never the lease.
/// </summary>
public sealed class SubmissionAdmission(Func<ValidSubmission, CancellationToken, ValueTask<ExistingCertificate?>> secretCertificate, ILogger logger)
{
    /// <summary>The path the chart's ValidatingWebhookConfiguration names.</summary>
    public const string Path = "/validate-mailsubmission";

    public long Refused;

    /// <summary>Every request handled, with its verdict and how long the answer took (the metrics; nothing of the request's content).</summary>
    public event Action<WebhookVerdict, TimeSpan>? Answered;

    public async ValueTask<HttpsResponse> HandleAsync(HttpsRequest request, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var verdict = WebhookVerdict.Error; // stays so when the check throws (the server answers 500)
        try
        {
            (var response, verdict) = await AnswerAsync(request, ct).ConfigureAwait(false);
            return response;
        }
        finally
        {
            Answered?.Invoke(verdict, Stopwatch.GetElapsedTime(started));
        }
    }

    private async ValueTask<(HttpsResponse, WebhookVerdict)> AnswerAsync(HttpsRequest request, CancellationToken ct)
    {
        if (request.Path.Split('?')[0] != Path)
        {
            return (HttpsResponse.Text(404, $"not found: the webhook is at {Path}"), WebhookVerdict.Error);
        }
        if (request.Method != "POST")
        {
            return (HttpsResponse.Text(405, "POST an admission.k8s.io/v1 AdmissionReview"), WebhookVerdict.Error);
        }
        if (AdmissionReview.Parse(request.Body.Span, out var error) is not { } review)
        {
            return (HttpsResponse.Text(400, "malformed AdmissionReview: " + error), WebhookVerdict.Error);
        }
        var verdict = await DecideAsync(review, ct).ConfigureAwait(false);
        var name = review.Object?["metadata"]?["name"]?.GetValue<string>();
        if (!verdict.Allowed)
        {
            Interlocked.Increment(ref Refused);
            logger.LogInformation("admission refused object={Object} operation={Operation} fields={Fields}",
                $"{review.Object?["metadata"]?["namespace"]}/{name}", review.Operation, string.Join(",", verdict.Causes.Select(c => c.Field).Distinct()));
        }
        return (new HttpsResponse(200, AdmissionReview.Response(review.Uid, verdict, name)), verdict.Allowed ? WebhookVerdict.Allowed : WebhookVerdict.Denied);
    }

    private async ValueTask<AdmissionVerdict> DecideAsync(AdmissionRequest review, CancellationToken ct)
    {
        if (AdmissionReview.NeedsNoCheck(review))
        {
            return AdmissionVerdict.Allow();
        }
        var read = ManifestReader.FromJson(review.Object!);
        if (read.Resource is not { } submission)
        {
            return AdmissionVerdict.Refuse(read.Errors);
        }
        var check = await SubmissionCheck.RunAsync(submission, v => secretCertificate(v, ct)).ConfigureAwait(false);
        return AdmissionVerdict.Of(check, AdmissionReview.KeepsSpec(review));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;

namespace Mailsub.Core.Admission;

/// <summary>The parts of an admission.k8s.io/v1 AdmissionReview request the webhook reads.</summary>
public sealed record AdmissionRequest(string Uid, string Operation, JsonObject? Object, JsonObject? OldObject);

/// <summary>
/// admission.k8s.io/v1 AdmissionReview as JSON: the request read (or why it cannot be), the
/// requests answered without a check, and the response written. No IO: the webhook server in
/// src/Mailsub.Operator brings the bytes.
/// </summary>
public static class AdmissionReview
{
    public const string ApiVersion = "admission.k8s.io/v1";

    /// <summary>The request, or null with <paramref name="error"/> saying what is wrong (the server answers 400).</summary>
    public static AdmissionRequest? Parse(ReadOnlySpan<byte> body, out string? error)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            error = "the body is not JSON: " + e.Message.Split(" Path:")[0];
            return null;
        }
        error = Invalid(node, out var request);
        return error is null ? request : null;
    }

    private static string? Invalid(JsonNode? node, out AdmissionRequest? request)
    {
        request = null;
        if (node is not JsonObject review)
            return "expected an AdmissionReview object";
        if (Text(review, "apiVersion") != ApiVersion || Text(review, "kind") != "AdmissionReview")
            return $"expected apiVersion {ApiVersion} and kind AdmissionReview, got \"{Text(review, "apiVersion")}\" \"{Text(review, "kind")}\"";
        if (review["request"] is not JsonObject r)
            return "AdmissionReview without request";
        if (Text(r, "uid") is not { Length: > 0 } uid)
            return "request.uid is missing";
        if (Text(r, "operation") is not { Length: > 0 } operation)
            return "request.operation is missing";
        if (r["object"] is not (null or JsonObject) || r["oldObject"] is not (null or JsonObject))
            return "request.object and request.oldObject must be objects";
        request = new AdmissionRequest(uid, operation, r["object"] as JsonObject, r["oldObject"] as JsonObject);
        return null;
    }

    /// <summary>Requests allowed without a check: other operations than CREATE and UPDATE (the chart sends none), an object being deleted.</summary>
    public static bool NeedsNoCheck(AdmissionRequest request) =>
        request.Operation is not ("CREATE" or "UPDATE") || request.Object?["metadata"]?["deletionTimestamp"] is not null;

    /// <summary>An UPDATE that leaves the spec as it was (labels, annotations, finalizers, a re-apply).</summary>
    public static bool KeepsSpec(AdmissionRequest request) =>
        request.Operation == "UPDATE" && request.OldObject is not null && JsonNode.DeepEquals(request.Object?["spec"], request.OldObject["spec"]);

    /// <summary>The AdmissionReview response for <paramref name="uid"/>, UTF-8.</summary>
    public static byte[] Response(string uid, AdmissionVerdict verdict, string? name = null)
    {
        var response = new JsonObject { ["uid"] = uid, ["allowed"] = verdict.Allowed };
        if (!verdict.Allowed)
        {
            var details = new JsonObject
            {
                ["group"] = MailSubmission.Group,
                ["kind"] = MailSubmission.KindValue,
                ["causes"] = new JsonArray([.. verdict.Causes.Select(c => new JsonObject
                {
                    ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field,
                })]),
            };
            if (name is not null)
                details["name"] = name;
            // 422 Invalid, as the API server's own validation answers: kubectl prints it the same way.
            response["status"] = new JsonObject
            {
                ["status"] = "Failure",
                ["code"] = 422,
                ["reason"] = "Invalid",
                ["message"] = verdict.Message,
                ["details"] = details,
            };
        }
        if (verdict.Warnings.Count > 0)
            response["warnings"] = new JsonArray([.. verdict.Warnings.Select(w => (JsonNode?)JsonValue.Create(w))]);
        var review = new JsonObject { ["apiVersion"] = ApiVersion, ["kind"] = "AdmissionReview", ["response"] = response };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            review.WriteTo(writer);
        return buffer.ToArray();
    }

    private static string? Text(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}

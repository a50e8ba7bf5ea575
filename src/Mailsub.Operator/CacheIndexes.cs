using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Informers;

namespace Mailsub.Operator;

/// <summary>
/// The informer-cache indexes a reconcile and the event wiring look up instead of scanning: with
/// 500 submissions, scanning every cached child per prune and every submission per Secret event
/// took most of the operator's CPU (perf, make bench-controller).
/// </summary>
public static class CacheIndexes
{
    /// <summary>Children by the submission that labels them: "namespace/name".</summary>
    public const string BySubmission = "submission";

    /// <summary>Submissions by each Secret they read: "namespace/secret".</summary>
    public const string BySecret = "secret";

    // Any JSON kind reads a child's namespace and labels: the resource it names does not matter.
    private static readonly Func<JsonObject, IEnumerable<ObjectKey>> LabelledSubmission =
        KeyMappers.Label(SubmissionKinds.SubmissionsJson, ChildMetadata.SubmissionLabel);

    public static IEnumerable<string> SubmissionOf(JsonObject child) => LabelledSubmission(child).Select(key => key.ToString());

    public static IEnumerable<string> SecretsOf(MailSubmission submission) =>
        SecretReferences.Of(submission).Select(secret => Key(submission.Metadata.NamespaceProperty, secret));

    public static string Key(string? ns, string name) => new ObjectKey(ns, name).ToString();
}

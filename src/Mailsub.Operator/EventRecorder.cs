using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Runtime.Api;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator;

/// <summary>
/// core/v1 Events on a MailSubmission for notable transitions. Messages are the operator's own
/// (field names, Secret names, reasons), never Secret values. A failed Event is logged, not retried.
/// </summary>
public sealed class EventRecorder(ApiConnection api, string component, ILogger logger)
{
    public async Task RecordAsync(MailSubmission submission, string type, string reason, string message, CancellationToken ct)
    {
        var ns = submission.Metadata.NamespaceProperty!;
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{submission.Metadata.Name}.{DateTime.UtcNow.Ticks:x}",
                ["namespace"] = ns,
            },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = MailSubmission.ApiVersionValue,
                ["kind"] = MailSubmission.KindValue,
                ["name"] = submission.Metadata.Name,
                ["namespace"] = ns,
                ["uid"] = submission.Metadata.Uid,
                ["resourceVersion"] = submission.Metadata.ResourceVersion,
            },
            ["type"] = type,
            ["reason"] = reason,
            ["message"] = message.Length > 1024 ? message[..1024] : message,
            ["source"] = new JsonObject { ["component"] = component },
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
        };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, api.Resolve(WellKnownResources.Events.CollectionPath(ns)))
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            using var _ = await api.SendCheckedAsync(request, streaming: false, ct).ConfigureAwait(false);
            logger.LogInformation("event type={Type} reason={Reason} object={Namespace}/{Name}", type, reason, ns, submission.Metadata.Name);
        }
        catch (Exception ex) when (ex is KubeApiException or HttpRequestException or TimeoutException)
        {
            logger.LogWarning("event not recorded reason={Reason} object={Namespace}/{Name} error={Error}", reason, ns, submission.Metadata.Name, ex.Message);
        }
    }
}

using System.ComponentModel;
using k8s.Models;

namespace Mailsub.Core.Api;

[Description("Observed state of the submission service.")]
public sealed class MailSubmissionStatus
{
    [Description("The metadata.generation the status describes.")]
    public long? ObservedGeneration { get; set; }

    [Description("Ready, Reconciling and Stalled (kstatus), and the policy-health conditions ConfigValid, RelayProtected, AuthProtected, TLSReady, UsersReady and Available.")]
    [ListMapKey("type")]
    public List<V1Condition> Conditions { get; set; } = [];

    [Description("Summary of the policy analysis: Healthy, Warning (legacy or risky settings), Unhealthy (an open relay, or passwords over cleartext) or Unknown (the spec fails validation, so there is nothing to judge).")]
    public string? Policy { get; set; }

    [Description("Hash of the rendered Postfix configuration the pods serve.")]
    public string? ConfigHash { get; set; }

    [Description("Postfix pods available, as the Deployment last reported them.")]
    public long? AvailableReplicas { get; set; }

    [Description("Secret holding the SASL users, one key per login name.")]
    public string? UsersSecretName { get; set; }

    [Description("Secret holding the server certificate.")]
    public string? TlsSecretName { get; set; }

    [ListMapKey("name")]
    [Description("The DNS TXT records to publish for spec.dkim, one per key listed there (a removed key's record goes with it). Publish a new key's record before switching signingSelector to it.")]
    public List<DkimRecordStatus>? DkimRecords { get; set; }
}

[Description("One DKIM key's DNS TXT record.")]
public sealed class DkimRecordStatus
{
    [Description("Owner name of the TXT record: <selector>._domainkey.<domain>.")]
    public string Name { get; set; } = "";

    [Description("The record's text (v=DKIM1; k=rsa; p=...). DNS strings hold 255 characters each: most DNS providers split a longer value themselves; in a zone file, write it as several quoted strings.")]
    public string Value { get; set; } = "";

    [Description("True for the domain's signingSelector.")]
    public bool Signing { get; set; }
}

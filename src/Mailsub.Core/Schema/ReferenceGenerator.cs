using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Policy;

namespace Mailsub.Core.Schema;

/// <summary>
/// docs/reference.md: every spec and status field of the CRD schema (so the descriptions on the C#
/// types are the only text to maintain) and every status condition. `mailsub docs` prints it; a
/// test fails when the file is stale.
/// </summary>
public static class ReferenceGenerator
{
    public const string FileName = "reference.md";

    /// <summary>One status condition: what True means, and what to do when it is False.</summary>
    public sealed record ConditionDoc(string Type, string Meaning, string WhenFalse, IReadOnlyList<string> ErrorReasons, IReadOnlyList<string> Warnings);

    /// <summary>Every type in <see cref="ConditionTypes"/>, in the order `kubectl describe` shows them.</summary>
    public static IReadOnlyList<ConditionDoc> Conditions { get; } =
    [
        new(ConditionTypes.Ready, "The service serves the current generation: children applied, Postfix pods available with the current config hash, no policy error.",
            "Read its reason and message, then the condition they name below. A reason that says work is under way (e.g. a rollout) clears by itself; otherwise Stalled is True too.", [], []),
        new(ConditionTypes.Reconciling, "kstatus abnormal-true: True while the operator is still converging (rollout, certificate being issued).",
            "False is the normal state, and the operator writes it (reason `Reconciled`, or `WaitingForChange` while Stalled): `kubectl wait --for=condition=Reconciling=False` works.", [], []),
        new(ConditionTypes.Stalled, "kstatus abnormal-true: True when the operator cannot make progress without a change (policy error, invalid spec, missing Secret).",
            "False is the normal state, and the operator writes it (reason `Reconciled`, or `Progressing` while Reconciling): `kubectl wait --for=condition=Stalled=False` works. When True, fix what its message names; the operator retries on every change of the resource or a referenced Secret.", [], []),
        new(ConditionTypes.ConfigValid, "main.cf and master.cf parse, and every parameter is current and known to Postfix 3.7.",
            "Fix or remove the parameter named in the message (spec.extraConfig, or the spec field the message names); `mailsub lint -f FILE` shows the same findings locally.",
            [FindingCodes.UnparsableConfig, FindingCodes.RelayGuardMissing],
            [FindingCodes.DeprecatedParameter, FindingCodes.UnknownParameter, FindingCodes.DuplicateParameter, FindingCodes.RenamedRestriction, FindingCodes.AuthNeverOffered]),
        new(ConditionTypes.RelayProtected, "Every listener relays only for authenticated clients and trusted networks (no open relay).",
            "Put reject_unauth_destination (or defer_unauth_destination) before any permit in the relay restrictions, and narrow spec.trustedNetworks (never 0.0.0.0/0 or ::/0). Behind a LoadBalancer or NodePort Service with externalTrafficPolicy Cluster, set proxyProtocol on the listeners (or externalTrafficPolicy Local) so relay decisions see the client, not a node.",
            [FindingCodes.OpenRelay, FindingCodes.TrustedNetworksOpen, FindingCodes.TrustedNetworksCoverNodes],
            [FindingCodes.TrustedNetworksTooWide, FindingCodes.RelayControlInRecipientRestrictions, FindingCodes.ClientAddressHidden]),
        new(ConditionTypes.AuthProtected, "No listener takes passwords over an unencrypted connection, and AUTH offers only current mechanisms.",
            "Require TLS before AUTH on the listener named (smtpd_tls_auth_only / STARTTLS required), disallow anonymous mechanisms, and offer at least PLAIN or LOGIN inside TLS.",
            [FindingCodes.AuthOverCleartext, FindingCodes.AnonymousAuth, FindingCodes.NoAuthMechanism],
            [FindingCodes.LegacyAuthMechanism, FindingCodes.RelayHostCredentialsUnprotected, FindingCodes.AuthAttemptsUnlimited]),
        new(ConditionTypes.TlsReady, "Every listener that offers TLS has a certificate and TLSv1.2 or later; submission listeners require TLS and offer only forward-secret AEAD ciphers (spec.tls.profile); the certificate is issued.",
            "Set spec.tls.issuerRef (cert-manager; check `kubectl describe certificate`) or spec.tls.secretName (an existing kubernetes.io/tls Secret), require TLS on 587 and keep 465 as implicit TLS.",
            [FindingCodes.NoCertificateSource, FindingCodes.CertificateNotConfigured, FindingCodes.SubmissionTlsNotRequired, FindingCodes.ImplicitTlsMissing],
            [FindingCodes.WeakTlsProtocols, FindingCodes.WeakTlsCiphers, FindingCodes.WeakTlsKey, FindingCodes.CertificateKeyMismatch]),
        new(ConditionTypes.UsersReady, "Every user's password is resolved: each passwordSecretRef Secret and key exists, generated passwords are kept.",
            "Create the Secret and key the message names (in the MailSubmission's namespace), or drop passwordSecretRef to have a password generated.", [], []),
        new(ConditionTypes.Available, "The Postfix Deployment has its minimum replicas available.",
            "Look at the Deployment and its pods (`kubectl describe deploy`, events): image pull, scheduling, or the entrypoint rejecting a configuration (its log says why).", [], []),
        new(ConditionTypes.LiveProbe, "The operator's own SMTP client, from outside spec.trustedNetworks, found every listener of the Service as configured: the banner names the hostname; on submission STARTTLS offered, AUTH hidden and MAIL refused before it; TLS (implicit on submissions) at the profile's protocol and ciphers with the TLS Secret's certificate; unauthenticated relaying refused at RCPT, also through user%domain@, quoted and source-routed addresses. Never DATA, never a password. Unknown when off (`ProbeDisabled`), not yet run for this configuration (`ProbePending`) or unable to connect (`ProbeUnreachable`); Unknown does not hold Ready False.",
            "Ready is False too (but neither Stalled nor Reconciling): the reason names the failed check and the message quotes the SMTP reply. Look at the pods the Service reaches (a stale pod, a hand-edited ConfigMap, another server behind the Service); the probe runs again after every applied change and periodically.",
            [ConditionReasons.ProbeBanner, ConditionReasons.ProbeStartTlsNotOffered, ConditionReasons.ProbeAuthBeforeTls, ConditionReasons.ProbeMailBeforeTls,
                ConditionReasons.ProbeStartTlsFailed, ConditionReasons.ProbeNoImplicitTls, ConditionReasons.ProbeTlsProtocol, ConditionReasons.ProbeTlsCipher,
                ConditionReasons.ProbeCertificateMismatch, ConditionReasons.ProbeOpenRelay, ConditionReasons.ProbeOpenRelayPercentHack,
                ConditionReasons.ProbeOpenRelayQuotedLocalPart, ConditionReasons.ProbeOpenRelaySourceRoute, ConditionReasons.ProbeIncomplete], []),
    ];

    /// <summary>Markers of the generated block in README.md.</summary>
    public const string ReadmeBegin = "<!-- BEGIN GENERATED REFERENCE (mailsub docs --readme README.md) -->";
    public const string ReadmeEnd = "<!-- END GENERATED REFERENCE -->";

    /// <summary>The README with its generated block replaced by the reference at heading level 3.</summary>
    public static string ReplaceReadmeBlock(string readme)
    {
        var begin = readme.IndexOf(ReadmeBegin, StringComparison.Ordinal);
        var end = readme.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
            throw new ArgumentException($"README has no block between \"{ReadmeBegin}\" and \"{ReadmeEnd}\"", nameof(readme));
        return readme[..(begin + ReadmeBegin.Length)] + "\n" + Generate(headingLevel: 3) + readme[end..];
    }

    /// <param name="headingLevel">Level of the title (1 for docs/reference.md); sections are one deeper.</param>
    public static string Generate(int headingLevel = 1)
    {
        var h1 = new string('#', headingLevel);
        var h2 = new string('#', headingLevel + 1);
        var crd = CrdGenerator.Build();
        var schema = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!;
        var md = new StringBuilder();
        md.Append("<!-- Generated from the C# types in src/Mailsub.Core/Api and src/Mailsub.Core/Schema/ReferenceGenerator.cs by `mailsub docs`. Do not edit. -->\n");
        md.Append(h1).Append(" MailSubmission reference (").Append(MailSubmission.Group).Append('/').Append(MailSubmission.Version).Append(")\n\n");
        md.Append(Cell(crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["description"]?.GetValue<string>() ?? "")).Append("\n\n");
        md.Append("Short name `").Append(MailSubmission.ShortName).Append("`. Defaults are applied by the API server from the CRD schema.\n\n");

        md.Append(h2).Append(" spec\n\n| field | type | default | description |\n| --- | --- | --- | --- |\n");
        Walk(md, schema["spec"]!, "spec", withDefaults: true);
        md.Append('\n').Append(h2).Append(" status\n\nWritten by the operator only (server-side apply, field manager `mailsub`, status subresource).\n\n");
        md.Append("| field | type | default | description |\n| --- | --- | --- | --- |\n");
        Walk(md, schema["status"]!, "status", withDefaults: false);

        md.Append('\n').Append(h2).Append(" Conditions\n\n`Ready`, `Reconciling` and `Stalled` follow kstatus (Flux, Argo CD: `docs/argocd-health.lua`). ");
        md.Append("The policy-health conditions stay True with warnings named in their message; an error finding turns them False with the finding as the reason. ");
        md.Append("A spec that fails validation renders nothing to judge: ConfigValid is False (`").Append(ConditionReasons.InvalidSpec)
          .Append("`) and RelayProtected, AuthProtected and TLSReady are Unknown with the same reason. ");
        md.Append("`status.policy` sums them up: `").Append(PolicySummary.Healthy).Append("`, `").Append(PolicySummary.Warning).Append("` (any warning), `")
          .Append(PolicySummary.Unhealthy).Append("` (any error) or `").Append(PolicySummary.Unknown).Append("` (the spec fails validation).\n\n");
        md.Append("| condition | True means | when False, do this | False reasons (errors) | warnings (stays True) |\n| --- | --- | --- | --- | --- |\n");
        foreach (var c in Conditions)
        {
            md.Append("| `").Append(c.Type).Append("` | ").Append(Cell(c.Meaning)).Append(" | ").Append(Cell(c.WhenFalse)).Append(" | ")
              .Append(Codes(c.ErrorReasons)).Append(" | ").Append(Codes(c.Warnings)).Append(" |\n");
        }
        return md.ToString();
    }

    private static void Walk(StringBuilder md, JsonNode schema, string path, bool withDefaults)
    {
        if (schema["properties"] is not JsonObject properties)
            return;
        var required = (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var (name, child) in properties)
        {
            var childPath = $"{path}.{name}";
            var node = child!;
            var type = TypeOf(node);
            var description = node["description"]?.GetValue<string>() ?? "";
            if (required.Contains(name))
                description = "**Required.** " + description;
            var constraints = Constraints(node);
            if (constraints.Length > 0)
                description += (description.Length > 0 ? " " : "") + constraints;
            var def = withDefaults && node["default"] is { } d ? "`" + d.ToJsonString() + "`" : "";
            md.Append("| `").Append(childPath).Append("` | ").Append(type).Append(" | ").Append(Cell(def)).Append(" | ").Append(Cell(description)).Append(" |\n");
            // Upstream core/v1 types (tolerations, resources, conditions) are documented by Kubernetes.
            if (node["x-kubernetes-preserve-unknown-fields"] is not null || childPath.EndsWith(".tolerations", StringComparison.Ordinal)
                || childPath.EndsWith(".resources", StringComparison.Ordinal) || childPath == "status.conditions")
            {
                continue;
            }

            Walk(md, node, childPath, withDefaults);
            if (node["items"] is { } items)
                Walk(md, items, childPath + "[]", withDefaults);
        }
    }

    private static string TypeOf(JsonNode node)
    {
        if (node["x-kubernetes-int-or-string"] is not null)
            return "int or string";
        var type = node["type"]?.GetValue<string>() ?? "object";
        if (type == "array")
            return (node["items"] is { } items ? TypeOf(items) : "object") + "[]";
        if (node["format"] is { } format)
            return $"{type} ({format.GetValue<string>()})";
        return type;
    }

    private static string Constraints(JsonNode node)
    {
        var parts = new List<string>();
        if (node["enum"] is JsonArray values)
            parts.Add("One of " + string.Join(", ", values.Select(v => "`" + v!.ToString() + "`")) + ".");
        if (node["pattern"] is { } pattern)
            parts.Add("Pattern `" + pattern.GetValue<string>() + "`.");
        foreach (var (key, label) in new[] { ("minimum", "Minimum"), ("maximum", "Maximum"), ("minLength", "Min length"), ("maxLength", "Max length"), ("minItems", "Min items"), ("maxItems", "Max items") })
        {
            if (node[key] is { } bound)
                parts.Add($"{label} {bound.ToJsonString()}.");
        }
        if (node["x-kubernetes-list-map-keys"] is JsonArray keys)
            parts.Add("List keyed by " + string.Join(", ", keys.Select(k => "`" + k!.ToString() + "`")) + ".");
        return string.Join(" ", parts);
    }

    private static string Codes(IReadOnlyList<string> codes) =>
        codes.Count == 0 ? "" : string.Join(", ", codes.Select(c => "`" + c + "`"));

    private static string Cell(string text) =>
        text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Trim();
}

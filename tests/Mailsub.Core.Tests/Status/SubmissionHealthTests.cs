using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Status;
using static Mailsub.Core.Tests.Status.StatusGen;

namespace Mailsub.Core.Tests.Status;

public class SubmissionHealthTests
{
    /// <summary>Each state a reconcile can find, by name, for the table below.</summary>
    private static StatusInput Case(string name) => name switch
    {
        "settled" => Input(Resource("mail")),
        "policy warning" => Input(Resource("mail", s => (s.Tls.Profile, s.Tls.MinProtocol) = (TlsProfile.Legacy, TlsProtocol.TLSv1))),
        "invalid spec" => Input(Resource("mail", s => s.TrustedNetworks = ["10.0.0.1/8"])),
        "open relay" => Input(Resource("mail", s => s.TrustedNetworks = ["0.0.0.0/0"])),
        "password Secret missing" => Input(Resource("mail"), UsersMissing("Secret alice-password (user alice) not found.")),
        "cert-manager missing" => Input(Resource("mail", IssuedBy), Children(c => c with { CertManagerInstalled = false, CertificateReady = null })),
        "Certificate not issued" => Input(Resource("mail", IssuedBy), Children(c => c with { CertificateReady = null })),
        "Certificate's Secret missing" => Input(Resource("mail", IssuedBy), Children(c => c with { TlsSecretFound = false })),
        "secretName missing" => Input(Resource("mail"), Children(c => c with { TlsSecretFound = false })),
        "children written" => Input(Resource("mail"), Writes(3)),
        "Deployment not found" => Input(Resource("mail"), Deployment(null)),
        "Deployment unavailable" => Input(Resource("mail"), Deployment(new(2, 1, new(ConditionStatus.False, "Deployment does not have minimum availability.")))),
        "Deployment Available without a replica" => Input(Resource("mail"), Deployment(new(1, 0, new(ConditionStatus.True, null)))),
        "stalled and written" => Input(Resource("mail", IssuedBy), Writes(1), Children(c => c with { CertManagerInstalled = false })),
        "waiting twice" => Input(Resource("mail", IssuedBy), Children(c => c with { CertificateReady = new(ConditionStatus.False, "Issuing") }),
            Deployment(new(1, 0, null))),
        "probe failed" => Input(Resource("mail"), Probed("False", ConditionReasons.ProbeOpenRelay, "smtp (25): accepted")),
        "probe passed" => Input(Resource("mail"), Probed("True", ConditionReasons.ProbePassed)),
        "probe pending" => Input(Resource("mail"), ProbeOn),
        "probe of an older configuration" => Input(Resource("mail"), Probed("False", ConditionReasons.ProbeBanner), i => i with { ConfigHash = "newer" }),
        "probe unreachable" => Input(Resource("mail"), Probed("Unknown", ConditionReasons.ProbeUnreachable)),
        "probe failed while reconciling" => Input(Resource("mail"), Writes(1), Probed("False", ConditionReasons.ProbeBanner)),
        "probe failed while stalled" => Input(Resource("mail"), UsersMissing("Secret alice-password (user alice) not found."), Probed("False", ConditionReasons.ProbeBanner)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [InlineData("settled", "Ready", "Ready", "Available", "True", "MinimumReplicasAvailable")]
    [InlineData("policy warning", "Ready", "Ready", "TLSReady", "True", "WeakTlsProtocols")]
    [InlineData("invalid spec", "Stalled", "InvalidSpec", "ConfigValid", "False", "InvalidSpec")]
    [InlineData("open relay", "Stalled", "PolicyUnhealthy", "RelayProtected", "False", "TrustedNetworksOpen")]
    [InlineData("password Secret missing", "Stalled", "PasswordSecretMissing", "UsersReady", "False", "PasswordSecretMissing")]
    [InlineData("cert-manager missing", "Stalled", "CertManagerMissing", "TLSReady", "False", "CertManagerMissing")]
    [InlineData("Certificate not issued", "Reconciling", "CertificateNotReady", "TLSReady", "False", "CertificateNotReady")]
    [InlineData("Certificate's Secret missing", "Reconciling", "TlsSecretMissing", "TLSReady", "False", "TlsSecretMissing")]
    [InlineData("secretName missing", "Stalled", "TlsSecretMissing", "TLSReady", "False", "TlsSecretMissing")]
    [InlineData("children written", "Reconciling", "ChildrenApplied", "Available", "True", "MinimumReplicasAvailable")]
    [InlineData("Deployment not found", "Reconciling", "DeploymentNotFound", "Available", "False", "DeploymentNotFound")]
    [InlineData("Deployment unavailable", "Reconciling", "DeploymentUnavailable", "Available", "False", "DeploymentUnavailable")]
    [InlineData("Deployment Available without a replica", "Reconciling", "DeploymentUnavailable", "Available", "False", "DeploymentUnavailable")]
    [InlineData("stalled and written", "Stalled", "CertManagerMissing", "TLSReady", "False", "CertManagerMissing")]
    [InlineData("waiting twice", "Reconciling", "CertificateNotReady", "Available", "False", "DeploymentUnavailable")]
    [InlineData("settled", "Ready", "Ready", "LiveProbe", "Unknown", "ProbeDisabled")]
    [InlineData("probe failed", "NotReady", "ProbeOpenRelay", "LiveProbe", "False", "ProbeOpenRelay")]
    [InlineData("probe passed", "Ready", "Ready", "LiveProbe", "True", "ProbePassed")]
    [InlineData("probe pending", "Ready", "Ready", "LiveProbe", "Unknown", "ProbePending")]
    [InlineData("probe of an older configuration", "Ready", "Ready", "LiveProbe", "Unknown", "ProbePending")]
    [InlineData("probe unreachable", "Ready", "Ready", "LiveProbe", "Unknown", "ProbeUnreachable")]
    [InlineData("probe failed while reconciling", "Reconciling", "ChildrenApplied", "LiveProbe", "False", "ProbeBanner")]
    [InlineData("probe failed while stalled", "Stalled", "PasswordSecretMissing", "LiveProbe", "False", "ProbeBanner")]
    public void Each_state_has_its_kstatus_and_conditions(string state, string kstatus, string reason, string type, string status, string conditionReason)
    {
        var conditions = SubmissionHealth.Evaluate(Case(state)).Conditions;

        var ready = Find(conditions, ConditionTypes.Ready);
        Assert.Equal((kstatus == ConditionTypes.Ready ? "True" : "False", reason), (ready.Status, ready.Reason));
        if (kstatus == "NotReady")
        {
            // A failing live probe: Ready False alone, neither Stalled nor Reconciling (kstatus "Current", not Ready).
            Assert.Equal(("False", "Reconciled", "False", "Reconciled"),
                (Find(conditions, ConditionTypes.Stalled).Status, Find(conditions, ConditionTypes.Stalled).Reason,
                 Find(conditions, ConditionTypes.Reconciling).Status, Find(conditions, ConditionTypes.Reconciling).Reason));
            Assert.Equal("The live probe failed: smtp (25): accepted", ready.Message);
            return;
        }
        foreach (var abnormal in new[] { ConditionTypes.Stalled, ConditionTypes.Reconciling })
        {
            // kstatus: abnormal-true conditions are always written, False unless they apply, and never both True.
            var condition = Find(conditions, abnormal);
            if (abnormal != kstatus)
            {
                var why = kstatus == ConditionTypes.Ready ? ConditionReasons.Reconciled
                    : kstatus == ConditionTypes.Stalled ? ConditionReasons.WaitingForChange : ConditionReasons.Progressing;
                Assert.Equal(("False", why), (condition.Status, condition.Reason));
                continue;
            }
            Assert.Equal(("True", reason, ready.Message), (condition.Status, condition.Reason, condition.Message));
        }
        var checkedCondition = Find(conditions, type);
        Assert.Equal((status, conditionReason), (checkedCondition.Status, checkedCondition.Reason));
        Assert.All(conditions, c => Assert.Equal((1L, Now), (c.ObservedGeneration!.Value, c.LastTransitionTime)));
    }

    [Fact]
    public void Settled_is_Ready_with_every_health_condition_True_and_kstatus_False_in_a_stable_order()
    {
        var status = SubmissionHealth.Evaluate(Input(Resource("mail")));

        Assert.Equal(
            [
                ("Ready", "True", "Ready", "Serving with policy Healthy; every policy condition is True and the Deployment is available."),
                ("Reconciling", "False", "Reconciled", "Nothing left to apply or wait for."),
                ("Stalled", "False", "Reconciled", "Nothing left to apply or wait for."),
                ("ConfigValid", "True", "ConfigValid", "main.cf and master.cf parse, and every parameter is current and known to Postfix 3.7."),
                ("RelayProtected", "True", "RelayRestricted", "Every listener relays only for authenticated clients and trusted networks."),
                ("AuthProtected", "True", "NoCleartextPasswords", "No listener takes passwords over an unencrypted connection, and AUTH offers only current mechanisms."),
                ("TLSReady", "True", "TlsConfigured", "Every listener that offers TLS has a certificate and TLSv1.2 or later; submission listeners require TLS."),
                ("UsersReady", "True", "UsersResolved", "1 SASL user(s) have passwords."),
                ("Available", "True", "MinimumReplicasAvailable", "1 of 1 Postfix replicas available."),
                ("LiveProbe", "Unknown", "ProbeDisabled", "The operator runs with --live-probe=false: nothing checks the running service (the policy conditions judge the rendered configuration)."),
            ],
            status.Conditions.Select(c => (c.Type, c.Status, c.Reason, c.Message)));
        Assert.Equal((1L, PolicySummary.Healthy, "mail-users", "mail-tls", 1L),
            (status.ObservedGeneration!.Value, status.Policy, status.UsersSecretName, status.TlsSecretName, status.AvailableReplicas));
        Assert.Matches("^[0-9a-f]{64}$", status.ConfigHash);
    }

    [Fact]
    public void An_invalid_spec_names_the_fields_and_reads_Unknown_for_what_only_a_rendered_config_decides()
    {
        var before = Written(Input(Resource("mail")));
        before.Spec.TrustedNetworks = ["10.0.0.1/8"];
        before.Metadata.Generation = 2;

        var status = SubmissionHealth.Evaluate(Input(before));

        Assert.Equal(ConditionTypes.All, status.Conditions.Select(c => c.Type));
        var error = Assert.Single(Mailsub.Core.Validation.SubmissionValidator.Validate(before).Errors).ToString();
        Assert.Equal($"Fix these fields of the spec: {error}", Find(status.Conditions, ConditionTypes.ConfigValid).Message);
        Assert.Equal($"The spec passes the schema but not validation; nothing was applied. {error}", Find(status.Conditions, ConditionTypes.Stalled).Message);
        // Not the last good verdict: nothing was rendered, so nothing was judged.
        Assert.Equal(PolicySummary.Unknown, status.Policy);
        foreach (var type in new[] { ConditionTypes.RelayProtected, ConditionTypes.AuthProtected, ConditionTypes.TlsReady })
        {
            var condition = Find(status.Conditions, type);
            Assert.Equal(("Unknown", "InvalidSpec", 2L), (condition.Status, condition.Reason, condition.ObservedGeneration!.Value));
            Assert.Contains("see ConfigValid", condition.Message, StringComparison.Ordinal);
        }
        // What was last deployed stays described: nothing new was applied.
        Assert.Equal((before.Status!.ConfigHash, before.Status.AvailableReplicas, 2L), (status.ConfigHash, status.AvailableReplicas, status.ObservedGeneration!.Value));
        Assert.Equal(1, Find(status.Conditions, ConditionTypes.UsersReady).ObservedGeneration);
    }

    [Fact]
    public void Fixing_an_invalid_spec_brings_the_policy_back()
    {
        var invalid = Written(Input(Resource("mail", s => s.TrustedNetworks = ["not-a-cidr"])));
        Assert.Equal(PolicySummary.Unknown, invalid.Status!.Policy);
        invalid.Spec.TrustedNetworks = ["127.0.0.0/8"];

        var status = SubmissionHealth.Evaluate(Input(invalid));

        Assert.Equal(PolicySummary.Healthy, status.Policy);
        Assert.All(ConditionTypes.Policy, type => Assert.Equal("True", Find(status.Conditions, type).Status));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(2L, 2L)]
    public void AvailableReplicas_is_what_the_Deployment_reports(long? available, long? expected)
    {
        var status = SubmissionHealth.Evaluate(Input(Resource("mail"),
            Deployment(available is { } n ? new DeploymentObservation(2, n, new(ConditionStatus.True, null)) : null)));

        Assert.Equal(expected, status.AvailableReplicas);
    }

    [Fact]
    public void An_Unhealthy_policy_lists_every_failing_condition_and_keeps_the_deployed_hash()
    {
        var before = Written(Input(Resource("mail")));
        before.Spec.TrustedNetworks = ["0.0.0.0/0"];

        var input = Input(before);
        var status = SubmissionHealth.Evaluate(input);

        var relay = input.Policy!.Condition(ConditionTypes.RelayProtected);
        Assert.Equal($"The spec renders a Postfix configuration with policy errors, so nothing was applied. Fix: RelayProtected {FindingCodes.TrustedNetworksOpen}: {relay.Message}",
            Find(status.Conditions, ConditionTypes.Stalled).Message);
        Assert.Equal((PolicySummary.Unhealthy, before.Status!.ConfigHash), (status.Policy, status.ConfigHash));
        Assert.NotEqual(input.ConfigHash, status.ConfigHash);
    }

    [Fact]
    public void Missing_users_take_the_resolution_reason_and_message()
    {
        var status = SubmissionHealth.Evaluate(Input(Resource("mail"), UsersMissing("Secret alice-password (user alice) not found.")));

        Assert.Equal(("False", "Secret alice-password (user alice) not found."), Pair(Find(status.Conditions, ConditionTypes.UsersReady)));
        Assert.Equal(("True", "Secret alice-password (user alice) not found."), Pair(Find(status.Conditions, ConditionTypes.Stalled)));
        Assert.Null(status.UsersSecretName);
        Assert.Null(StatusConditions.Find(status.Conditions, ConditionTypes.Available));
    }

    [Theory]
    [InlineData(null, "Certificate mail-tls is not Ready yet. Check issuer ClusterIssuer letsencrypt.")]
    [InlineData("Issuing certificate as Secret does not exist", "Certificate mail-tls is not Ready: Issuing certificate as Secret does not exist. Check issuer ClusterIssuer letsencrypt.")]
    public void A_Certificate_not_Ready_passes_on_its_message(string? message, string expected)
    {
        var status = SubmissionHealth.Evaluate(Input(Resource("mail", IssuedBy),
            Children(c => c with { CertificateReady = message is null ? null : new ObservedCondition(ConditionStatus.False, message) })));

        Assert.Equal(("False", expected), Pair(Find(status.Conditions, ConditionTypes.TlsReady)));
        Assert.Equal(("True", "Waiting for Certificate mail-tls to be issued."), Pair(Find(status.Conditions, ConditionTypes.Reconciling)));
    }

    [Fact]
    public void Messages_name_the_missing_object_and_what_to_do()
    {
        string Message(string state, string type) => Find(SubmissionHealth.Evaluate(Case(state)).Conditions, type).Message;

        Assert.Equal("spec.tls.issuerRef needs cert-manager, but cert-manager.io/v1 Certificates are not served: install cert-manager (the operator notices it without a restart), or set spec.tls.secretName instead.",
            Message("cert-manager missing", ConditionTypes.TlsReady));
        Assert.Equal("cert-manager is not installed (cert-manager.io/v1 Certificates are not served).", Message("cert-manager missing", ConditionTypes.Stalled));
        Assert.Equal("Certificate mail-tls is Ready but its Secret mail-tls is not there yet.", Message("Certificate's Secret missing", ConditionTypes.TlsReady));
        Assert.Equal("Waiting for Secret mail-tls.", Message("Certificate's Secret missing", ConditionTypes.Reconciling));
        Assert.Equal("Secret mail-tls (spec.tls.secretName) not found: create a kubernetes.io/tls Secret with tls.crt and tls.key in namespace mail.",
            Message("secretName missing", ConditionTypes.TlsReady));
        Assert.Equal("Secret mail-tls (spec.tls.secretName) not found.", Message("secretName missing", ConditionTypes.Stalled));
        Assert.Equal("Changed 3 Postfix object(s); waiting for them to settle.", Message("children written", ConditionTypes.Reconciling));
        Assert.Equal("Deployment mail-postfix is not there yet.", Message("Deployment not found", ConditionTypes.Available));
        Assert.Equal("Waiting for Deployment mail-postfix.", Message("Deployment not found", ConditionTypes.Reconciling));
        Assert.Equal("1 of 2 Postfix replicas available in Deployment mail-postfix; see its pods' events if this persists.",
            Message("Deployment unavailable", ConditionTypes.Available));
        Assert.Equal("Waiting for Deployment mail-postfix to become available.", Message("Deployment unavailable", ConditionTypes.Reconciling));
    }

    [Fact]
    public void LastTransitionTime_moves_only_when_a_condition_changes_status()
    {
        var then = Now.AddHours(-1);
        var before = Written(Input(Resource("mail"), Deployment(null)) with { Now = then });

        var later = Input(before) with { Now = Now };
        var status = SubmissionHealth.Evaluate(later);

        Assert.Equal(then, Find(status.Conditions, ConditionTypes.ConfigValid).LastTransitionTime);
        Assert.Equal(Now, Find(status.Conditions, ConditionTypes.Available).LastTransitionTime); // False to True
        Assert.Equal(Now, Find(status.Conditions, ConditionTypes.Ready).LastTransitionTime);
        Assert.Equal(("False", Now), (Find(status.Conditions, ConditionTypes.Reconciling).Status, Find(status.Conditions, ConditionTypes.Reconciling).LastTransitionTime));
        Assert.Equal(then, Find(before.Status!.Conditions, ConditionTypes.Available).LastTransitionTime); // the input is not modified
    }

    [Fact]
    public void Stalled_replaces_Reconciling_and_keeps_its_own_lastTransitionTime()
    {
        var then = Now.AddHours(-1);
        var waiting = Written(Input(Resource("mail"), Writes(2)) with { Now = then });
        var stalled = Written(Input(waiting, UsersMissing("Secret gone.")) with { Now = then.AddMinutes(1) });

        var status = SubmissionHealth.Evaluate(Input(stalled, UsersMissing("Secret still gone.")));

        Assert.Equal(("False", ConditionReasons.WaitingForChange), (Find(status.Conditions, ConditionTypes.Reconciling).Status, Find(status.Conditions, ConditionTypes.Reconciling).Reason));
        var condition = Find(status.Conditions, ConditionTypes.Stalled);
        Assert.Equal(("Secret still gone.", then.AddMinutes(1)), (condition.Message, condition.LastTransitionTime));
    }

    private static V1Condition Find(IReadOnlyList<V1Condition> conditions, string type) =>
        StatusConditions.Find(conditions, type) ?? throw new Xunit.Sdk.XunitException($"no {type} condition in {string.Join(", ", conditions.Select(c => c.Type))}");

    private static (string Status, string Message) Pair(V1Condition condition) => (condition.Status, condition.Message);
}

using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;

namespace Mailsub.Core.Tests.Policy;

/// <summary>The chain over what the renderer really produces for the samples.</summary>
public class RenderedSamplePolicyTests
{
    [Fact]
    public void Seed_is_a_warning_for_its_legacy_mechanisms_only()
    {
        var report = Analyse("seed");

        Assert.Equal(PolicySummary.Warning, report.Summary);
        Assert.Equal([FindingCodes.LegacyAuthMechanism], report.Findings.Where(f => f.Severity != Severity.Info).Select(f => f.Code).Distinct());
        Assert.All(report.Conditions, c => Assert.Equal("True", c.Status));
        Assert.Equal("RelayRestricted", report.Condition(ConditionTypes.RelayProtected).Reason);
        var auth = report.Condition(ConditionTypes.AuthProtected);
        Assert.Equal(FindingCodes.LegacyAuthMechanism, auth.Reason);
        Assert.Contains("CRAM-MD5 and DIGEST-MD5", auth.Message);
    }

    [Fact]
    public void Modern_is_healthy()
    {
        var report = Analyse("modern");

        Assert.Equal(PolicySummary.Healthy, report.Summary);
        Assert.DoesNotContain(report.Findings, f => f.Severity != Severity.Info);
    }

    [Fact]
    public void An_open_relay_on_port_25_is_unhealthy()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Restrictions.Relay = ["permit", "reject_unauth_destination"], s => s.Restrictions.Recipient = ["permit"],
            s => s.Listeners.Smtp = new ListenerSpec { Enabled = true }));
        var rendered = PostfixRenderer.Render(valid);

        var report = PolicyChain.Standard.Evaluate(PolicyInput.From(valid, rendered.MainCf, rendered.MasterCf, rendered.SmtpdConf));

        Assert.Equal(PolicySummary.Unhealthy, report.Summary);
        Assert.Equal("False", report.Condition(ConditionTypes.RelayProtected).Status);
    }

    private static PolicyReport Analyse(string sample)
    {
        var valid = Samples.Valid(sample);
        var rendered = PostfixRenderer.Render(valid);
        return PolicyChain.Standard.Evaluate(PolicyInput.From(valid, rendered.MainCf, rendered.MasterCf, rendered.SmtpdConf));
    }
}

using Mailsub.Core.Api;
using Mailsub.Core.Status;
using static Mailsub.Core.Tests.Status.StatusGen;

namespace Mailsub.Core.Tests.Status;

public class SubmissionEventsTests
{
    private static IReadOnlyList<SubmissionEvent> EventsOf(StatusInput input) =>
        SubmissionEvents.Between(input.Submission.Status, SubmissionHealth.Evaluate(input));

    [Fact]
    public void Becoming_Ready_is_a_Normal_event_once()
    {
        var input = Input(Resource("mail"));

        var ready = Assert.Single(EventsOf(input));
        Assert.Equal((EventTypes.Normal, EventReasons.Ready), (ready.Type, ready.Reason));
        Assert.StartsWith("Serving with policy Healthy", ready.Message, StringComparison.Ordinal);
        Assert.Empty(EventsOf(Input(Written(input))));
    }

    [Fact]
    public void An_invalid_spec_is_a_Warning_with_the_fields_to_fix()
    {
        var input = Input(Resource("mail", s => s.TrustedNetworks = ["10.0.0.1/8"]));

        var invalid = Assert.Single(EventsOf(input));
        Assert.Equal((EventTypes.Warning, EventReasons.InvalidSpec), (invalid.Type, invalid.Reason));
        Assert.StartsWith("Fix these fields of the spec: ", invalid.Message, StringComparison.Ordinal);
        Assert.Empty(EventsOf(Input(Written(input))));
    }

    [Fact]
    public void Missing_users_are_a_Warning()
    {
        var input = Input(Resource("mail"), UsersMissing("Secret alice-password (user alice) not found."));

        Assert.Equal([new SubmissionEvent(EventTypes.Warning, EventReasons.UsersMissing, "Secret alice-password (user alice) not found.")], EventsOf(input));
        Assert.Empty(EventsOf(Input(Written(input), UsersMissing("Secret alice-password (user alice) not found."))));
    }

    [Fact]
    public void A_Ready_submission_turning_Unhealthy_names_the_failing_conditions()
    {
        var unhealthy = Written(Input(Resource("mail")));
        unhealthy.Spec.TrustedNetworks = ["0.0.0.0/0"];

        Assert.Equal([new SubmissionEvent(EventTypes.Warning, EventReasons.PolicyUnhealthy, "Policy became Unhealthy: RelayProtected: TrustedNetworksOpen")],
            EventsOf(Input(unhealthy)));
    }

    [Fact]
    public void A_failing_live_probe_is_a_Warning_once_per_failed_check_and_its_end_a_Normal_event()
    {
        var failing = Input(Written(Input(Resource("mail"))), Probed("False", ConditionReasons.ProbeOpenRelay, "smtp (25): accepted"));

        var failed = Assert.Single(EventsOf(failing));
        Assert.Equal((EventTypes.Warning, EventReasons.LiveProbeFailed, "ProbeOpenRelay: smtp (25): accepted"), (failed.Type, failed.Reason, failed.Message));
        Assert.Empty(EventsOf(Input(Written(failing), Probed("False", ConditionReasons.ProbeOpenRelay, "smtp (25): accepted"))));
        Assert.Equal([EventReasons.LiveProbeFailed], EventsOf(Input(Written(failing), Probed("False", ConditionReasons.ProbeBanner))).Select(e => e.Reason));

        var passed = EventsOf(Input(Written(failing), Probed("True", ConditionReasons.ProbePassed, "Probed")));
        Assert.Equal([(EventTypes.Normal, EventReasons.Ready), (EventTypes.Normal, EventReasons.LiveProbePassed)], passed.Select(e => (e.Type, e.Reason)));
    }
}

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
}

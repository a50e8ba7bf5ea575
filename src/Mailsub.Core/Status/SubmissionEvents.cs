using Mailsub.Core.Api;

namespace Mailsub.Core.Status;

/// <summary>A core/v1 Event to record on the MailSubmission.</summary>
public sealed record SubmissionEvent(string Type, string Reason, string Message);

/// <summary>
/// The notable transitions between the status a resource carried and the one just evaluated,
/// as Events: each once, when it begins, not on every reconcile that still finds it so.
/// </summary>
public static class SubmissionEvents
{
    public static IReadOnlyList<SubmissionEvent> Between(MailSubmissionStatus? before, MailSubmissionStatus after)
    {
        var events = new List<SubmissionEvent>();
        bool Became(string type, string value, string? reason = null) =>
            StatusConditions.Find(after.Conditions, type) is { } now && now.Status == value && (reason is null || now.Reason == reason)
            && !(StatusConditions.Find(before?.Conditions, type) is { } was && was.Status == value && (reason is null || was.Reason == reason));
        string MessageOf(string type) => StatusConditions.Find(after.Conditions, type)!.Message;

        if (Became(ConditionTypes.Ready, ConditionStatus.True))
        {
            events.Add(new(EventTypes.Normal, EventReasons.Ready, MessageOf(ConditionTypes.Ready)));
        }
        if (Became(ConditionTypes.Stalled, ConditionStatus.True, ConditionReasons.InvalidSpec))
        {
            events.Add(new(EventTypes.Warning, EventReasons.InvalidSpec, MessageOf(ConditionTypes.ConfigValid)));
        }
        if (Became(ConditionTypes.UsersReady, ConditionStatus.False))
        {
            events.Add(new(EventTypes.Warning, EventReasons.UsersMissing, MessageOf(ConditionTypes.UsersReady)));
        }
        if (after.Policy == PolicySummary.Unhealthy && before?.Policy != PolicySummary.Unhealthy)
        {
            var failing = after.Conditions.Where(c => c.Status == ConditionStatus.False && ConditionTypes.Policy.Contains(c.Type)).Select(c => $"{c.Type}: {c.Reason}");
            events.Add(new(EventTypes.Warning, EventReasons.PolicyUnhealthy, "Policy became Unhealthy: " + string.Join(", ", failing)));
        }
        // The live probe: each failure as it begins (or fails another check), and its end.
        var probe = StatusConditions.Find(after.Conditions, ConditionTypes.LiveProbe);
        var probeBefore = StatusConditions.Find(before?.Conditions, ConditionTypes.LiveProbe);
        if (probe is { Status: ConditionStatus.False } && !(probeBefore is { Status: ConditionStatus.False } && probeBefore.Reason == probe.Reason))
        {
            events.Add(new(EventTypes.Warning, EventReasons.LiveProbeFailed, $"{probe.Reason}: {probe.Message}"));
        }
        if (probe is { Status: ConditionStatus.True } && probeBefore is not { Status: ConditionStatus.True })
        {
            events.Add(new(EventTypes.Normal, EventReasons.LiveProbePassed, probe.Message));
        }
        return events;
    }
}

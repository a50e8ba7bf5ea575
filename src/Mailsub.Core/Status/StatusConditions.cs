using k8s.Models;

namespace Mailsub.Core.Status;

/// <summary>apimachinery's meta.SetStatusCondition and friends: lastTransitionTime moves only when status does.</summary>
public static class StatusConditions
{
    public static void Set(List<V1Condition> conditions, V1Condition condition, DateTime now)
    {
        var existing = conditions.FindIndex(c => c.Type == condition.Type);
        if (existing < 0)
        {
            if (condition.LastTransitionTime == default)
            {
                condition.LastTransitionTime = now;
            }
            conditions.Add(condition);
            return;
        }
        var old = conditions[existing];
        condition.LastTransitionTime = old.Status == condition.Status && old.LastTransitionTime != default
            ? old.LastTransitionTime
            : condition.LastTransitionTime == default ? now : condition.LastTransitionTime;
        conditions[existing] = condition;
    }

    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) => conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Same conditions, ignoring order and lastTransitionTime (which <see cref="Set"/> keeps).</summary>
    public static bool SameAs(IReadOnlyList<V1Condition> a, IReadOnlyList<V1Condition> b) =>
        a.Count == b.Count && a.All(x => b.Any(y => y.Type == x.Type && y.Status == x.Status && y.Reason == x.Reason
            && y.Message == x.Message && y.ObservedGeneration == x.ObservedGeneration));
}

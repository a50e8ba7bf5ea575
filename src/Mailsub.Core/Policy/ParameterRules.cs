using System.Collections.Frozen;
using Mailsub.Core.Api;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Policy;

/// <summary>Whether Postfix reads the files as written: lines it refuses, and names it ignores, replaced or sees twice.</summary>
public static class ParameterRules
{
    // postconf accepts <service>_<suffix> for the delivery agents master.cf defines (checked against postconf 3.7.11).
    private static readonly FrozenSet<string> DeliveryAgents = new[] { "smtp", "lmtp", "local", "virtual", "pipe", "error" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] DeliveryAgentSuffixes =
    [
        "_delivery_slot_cost", "_delivery_slot_discount", "_delivery_slot_loan",
        "_destination_concurrency_failed_cohort_limit", "_destination_concurrency_limit",
        "_destination_concurrency_negative_feedback", "_destination_concurrency_positive_feedback",
        "_destination_rate_delay", "_destination_recipient_limit", "_extra_recipient_limit",
        "_initial_destination_concurrency", "_minimum_delivery_slots", "_recipient_limit",
        "_recipient_refill_delay", "_recipient_refill_limit", "_transport_rate_delay",
    ];

    /// <summary>Every parameter a file sets: main.cf names (first definition), then each service's -o names, with how findings name them.</summary>
    private static IEnumerable<(string Name, string Path)> Names(EffectiveConfig config)
    {
        foreach (var name in config.Main.Definitions.Select(d => d.Name).Distinct())
            yield return (name, name);
        foreach (var service in config.Master.Services)
        {
            foreach (var name in service.Options.Select(o => o.Name).Distinct())
                yield return (name, $"{service.Label}/{name}");
        }
    }

    public static IEnumerable<Finding> UnparsableConfig(PolicyInput input)
    {
        foreach (var problem in input.Config.Main.Problems.Concat(input.Config.Master.Problems))
            yield return Finding.Error(ConditionTypes.ConfigValid, FindingCodes.UnparsableConfig, problem.Location, $"{problem.Message}. Fix or remove the line.");
    }

    public static IEnumerable<Finding> DeprecatedParameter(PolicyInput input)
    {
        foreach (var (name, path) in Names(input.Config))
        {
            if (PostfixParameters.Deprecated.TryGetValue(name, out var instead))
                yield return Finding.Warning(ConditionTypes.ConfigValid, FindingCodes.DeprecatedParameter, path, $"{name} is deprecated; use {instead}.");
        }
    }

    /// <summary>
    /// Postfix logs "unused parameter" for a name it does not know unless it is user-defined:
    /// referred to as $name somewhere, listed in smtpd_restriction_classes, or a per-transport
    /// parameter of a delivery service in master.cf.
    /// </summary>
    public static IEnumerable<Finding> UnknownParameter(PolicyInput input)
    {
        var config = input.Config;
        var values = config.Main.Definitions.Select(d => d.Value).Concat(config.Master.Services.SelectMany(s => s.Options).Select(o => o.Value));
        var userDefined = values.SelectMany(ParameterExpansion.References)
            .Concat(config.Global.List("smtpd_restriction_classes"))
            .Concat(config.Master.Services.SelectMany(PerTransportNames))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (name, path) in Names(config))
        {
            if (PostfixParameters.Known.Contains(name) || PostfixParameters.Deprecated.ContainsKey(name) || userDefined.Contains(name))
                continue;
            yield return Finding.Warning(ConditionTypes.ConfigValid, FindingCodes.UnknownParameter, path,
                $"{name} is not a Postfix 3.7 parameter and nothing refers to it, so Postfix ignores it and logs \"unused parameter\". Correct the name or remove it.");
        }
    }

    private static IEnumerable<string> PerTransportNames(MasterService service)
    {
        if (DeliveryAgents.Contains(service.Command))
        {
            foreach (var suffix in DeliveryAgentSuffixes)
                yield return service.Name + suffix;
        }
        if (service.Command is "pipe" or "spawn")
            yield return service.Name + "_time_limit";
    }

    public static IEnumerable<Finding> DuplicateParameter(PolicyInput input)
    {
        foreach (var group in input.Config.Main.Definitions.GroupBy(d => d.Name).Where(g => g.Count() > 1))
        {
            var lines = group.Select(d => d.Line).ToList();
            yield return Finding.Warning(ConditionTypes.ConfigValid, FindingCodes.DuplicateParameter, group.Key,
                $"{group.Key} is defined {lines.Count} times in main.cf (lines {string.Join(", ", lines)}); Postfix uses only line {lines[^1]} " +
                "and warns \"overriding earlier entry\". Keep one definition.");
        }
        foreach (var service in input.Config.Master.Services)
        {
            foreach (var group in service.Options.GroupBy(o => o.Name).Where(g => g.Count() > 1))
            {
                yield return Finding.Warning(ConditionTypes.ConfigValid, FindingCodes.DuplicateParameter, $"{service.Label}/{group.Key}",
                    $"-o {group.Key} is given {group.Count()} times to the {service.Name} service; only the last ({group.Key}={group.Last().Value}) applies. Keep one.");
            }
        }
    }

    public static IEnumerable<Finding> RenamedRestriction(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners)
        {
            foreach (var list in RestrictionList.Parameters)
            {
                foreach (var old in RestrictionList.Of(listener.Parameters, list).Where(RestrictionNames.Renamed.ContainsKey).Distinct())
                {
                    yield return Finding.Warning(ConditionTypes.ConfigValid, FindingCodes.RenamedRestriction, listener.Parameters.PathOf(list),
                        $"{list} uses {old}, the old name of {RestrictionNames.Renamed[old]}; Postfix drops old names over time. Write {RestrictionNames.Renamed[old]}.");
                }
            }
        }
    }
}

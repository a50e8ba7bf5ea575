using Mailsub.Postfix;

namespace Mailsub.Core.Policy;

/// <summary>
/// The parameters one Postfix process reads: its master.cf -o overrides, else main.cf, else the
/// default. References expand lazily against the same view, as in Postfix, so an override also
/// changes every main.cf value that refers to it.
/// </summary>
public sealed class EffectiveParameters
{
    private readonly MainCf _main;
    private readonly Dictionary<string, string> _overrides = new(StringComparer.Ordinal);

    internal EffectiveParameters(MainCf main, MasterService? service)
    {
        _main = main;
        Service = service;
        foreach (var option in service?.Options ?? [])
            _overrides[option.Name] = option.Value;
    }

    /// <summary>The service whose -o overrides apply; null for main.cf alone.</summary>
    public MasterService? Service { get; }

    /// <summary>Whether this service's -o options set name.</summary>
    public bool IsOverridden(string name) => _overrides.ContainsKey(name);

    /// <summary>Whether main.cf or an override sets name (rather than Postfix's default).</summary>
    public bool IsSet(string name) => IsOverridden(name) || _main.Values.ContainsKey(name);

    /// <summary>The unexpanded value: override, else main.cf, else the Postfix default; null if none is known.</summary>
    public string? Raw(string name) =>
        _overrides.TryGetValue(name, out var value) ? value
        : _main[name] ?? PostfixDefaults.Of(name, name == "compatibility_level" ? "0" : Get("compatibility_level"));

    /// <summary>The expanded value; empty when nothing sets it.</summary>
    public string Get(string name) => ParameterExpansion.Expand(Raw(name) ?? "", Raw).Trim();

    /// <summary>The expanded value as a Postfix list.</summary>
    public IReadOnlyList<string> List(string name) => PostfixList.Split(Get(name));

    /// <summary>Postfix booleans are yes or no, in any case.</summary>
    public bool IsYes(string name) => Get(name).Equals("yes", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// How findings name a parameter: "587/name" when this service overrides it or any of the
    /// others that decide the finding (the fix is in master.cf), plain "name" when main.cf or the
    /// default decides, so listeners that inherit the same value share one finding.
    /// </summary>
    public string PathOf(string name, params string[] alsoDeciding) =>
        Service is not null && (IsOverridden(name) || alsoDeciding.Any(IsOverridden)) ? $"{Service.Label}/{name}" : name;
}

using Mailsub.Core.Validation;

namespace Mailsub.Core.Policy;

/// <summary>
/// The spec field a finding's location was rendered from: what the user writes and edits. A
/// finding locates itself in the rendered files (a main.cf parameter, a listener's override,
/// smtpd.conf/mech_list, a line); this turns that into the field to change.
/// </summary>
public static class SpecField
{
    /// <summary>The spec field, or null when the location is fixed by the templates rather than by the spec.</summary>
    public static string? Of(ValidSubmission valid, string location)
    {
        if (location == "spec" || location.StartsWith("spec.", StringComparison.Ordinal))
            return location;
        if (location == "smtpd.conf/mech_list")
            return "spec.auth.profile";
        if (location.StartsWith("main.cf:", StringComparison.Ordinal))
            return valid.Spec.ExtraConfig.Count > 0 ? "spec.extraConfig" : null; // every other main.cf line is the template's
        var slash = location.LastIndexOf('/');
        var parameter = location[(slash + 1)..];
        if (valid.Spec.ExtraConfig.ContainsKey(parameter))
            return $"spec.extraConfig.{parameter}";
        if (PostfixParameters.Reserved.TryGetValue(parameter, out var field) && field.StartsWith("spec.", StringComparison.Ordinal))
            return field.Split(' ')[0];
        // A listener's own override that no spec field sets: the listener is what to look at.
        return slash > 0 && int.TryParse(location[..slash], out var port) && valid.Listeners.FirstOrDefault(l => l.Port == port) is { } listener
            ? $"spec.listeners.{listener.ServiceName}"
            : null;
    }
}

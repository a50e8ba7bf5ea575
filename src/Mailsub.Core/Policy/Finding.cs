namespace Mailsub.Core.Policy;

public enum Severity
{
    /// <summary>Worth knowing; changes no condition.</summary>
    Info,
    /// <summary>Legacy or risky; the condition stays True but names it.</summary>
    Warning,
    /// <summary>An open relay, passwords in cleartext, or a service that cannot work; the condition turns False.</summary>
    Error,
}

/// <summary>
/// One thing the policy analysis found. Message says what is wrong and what to do; Location says
/// where: a main.cf name, "587/name" for a listener's override or a listener-specific problem,
/// "smtpd.conf/mech_list", "spec.tls", or "main.cf:12" for a line.
/// </summary>
public sealed record Finding(Severity Severity, string Code, string Message, string Location, string ConditionType)
{
    internal static Finding Error(string conditionType, string code, string location, string message) =>
        new(Severity.Error, code, message, location, conditionType);

    internal static Finding Warning(string conditionType, string code, string location, string message) =>
        new(Severity.Warning, code, message, location, conditionType);

    internal static Finding Info(string conditionType, string code, string location, string message) =>
        new(Severity.Info, code, message, location, conditionType);
}

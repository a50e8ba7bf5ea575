namespace Mailsub.Cli;

/// <summary>Exit codes scripts and CI can rely on.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>lint and import: a finding of error severity (an open relay, passwords over cleartext, a parameter import cannot carry over safely).</summary>
    public const int PolicyError = 1;

    /// <summary>The input is unreadable or invalid; nothing was written.</summary>
    public const int InvalidInput = 2;
}

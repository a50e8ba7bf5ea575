namespace Mailsub.Entrypoint;

/// <summary>The entrypoint's own messages. They go to stderr, apart from Postfix's log on
/// stdout, and each says what happened and, for problems, what to do.</summary>
internal static class Report
{
    public static void Info(string message) => Write("", message);

    public static void Error(string message) => Write("error: ", message);

    /// <summary>An error with its list of causes, one per line.</summary>
    public static void Error(string message, IEnumerable<string> causes) =>
        Write("error: ", message + string.Concat(causes.Select(c => "\n    " + c)));

    private static void Write(string severity, string message) =>
        Console.Error.WriteLine($"mailsub-entrypoint: {severity}{message}");
}

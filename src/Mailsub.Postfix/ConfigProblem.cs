namespace Mailsub.Postfix;

/// <summary>A line of main.cf or master.cf that Postfix would refuse or ignore.</summary>
public sealed class ConfigProblem(string file, int line, string message)
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Message { get; } = message;

    /// <summary>Where the problem is, as findings name it: "main.cf:12".</summary>
    public string Location => $"{File}:{Line}";
}

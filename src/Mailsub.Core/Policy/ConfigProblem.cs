namespace Mailsub.Core.Policy;

/// <summary>A line of main.cf or master.cf that Postfix would refuse or ignore.</summary>
public sealed record ConfigProblem(string File, int Line, string Message)
{
    /// <summary>Where the problem is, as findings name it: "main.cf:12".</summary>
    public string Location => $"{File}:{Line}";
}

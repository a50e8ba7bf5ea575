namespace Mailsub.Core.Policy;

/// <summary>An smtpd_*_restrictions list as smtpd evaluates it, restriction classes inlined.</summary>
public static class RestrictionList
{
    // Restriction classes may name other classes; smtpd itself limits the nesting.
    private const int MaxClassDepth = 10;

    /// <summary>The restrictions of parameter name, lower-cased (smtpd compares them case-insensitively).</summary>
    public static IReadOnlyList<string> Of(EffectiveParameters parameters, string name)
    {
        var classes = parameters.List("smtpd_restriction_classes").ToHashSet(StringComparer.Ordinal);
        var result = new List<string>();
        void Add(IReadOnlyList<string> restrictions, int depth)
        {
            foreach (var restriction in restrictions)
            {
                // A class used in a list acts as if its restrictions were written there: its permit ends the list.
                if (classes.Contains(restriction) && depth < MaxClassDepth)
                    Add(parameters.List(restriction), depth + 1);
                else
                    result.Add(restriction.ToLowerInvariant());
            }
        }
        Add(parameters.List(name), 0);
        return result;
    }

    /// <summary>The lists an smtpd evaluates for a message, in protocol order.</summary>
    public static IReadOnlyList<string> Parameters { get; } =
    [
        "smtpd_client_restrictions", "smtpd_helo_restrictions", "smtpd_sender_restrictions",
        "smtpd_relay_restrictions", "smtpd_recipient_restrictions", "smtpd_data_restrictions",
        "smtpd_end_of_data_restrictions", "smtpd_etrn_restrictions",
    ];
}

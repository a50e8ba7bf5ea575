using Mailsub.Core.Policy;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Import;

/// <summary>
/// The relay and recipient restrictions, as smtpd evaluates them (restriction classes inlined),
/// old names respelled; what takes a table or a server is dropped, as the API has no place for it.
/// </summary>
internal static class ImportedRestrictions
{
    public static void Map(ImportContext import)
    {
        var restrictions = import.Spec.Restrictions;
        import.Handled("smtpd_relay_restrictions", "smtpd_recipient_restrictions", "smtpd_restriction_classes");
        var recipient = Clean(import, "smtpd_recipient_restrictions");
        var relay = Clean(import, "smtpd_relay_restrictions");
        restrictions.Recipient = recipient;
        if (relay.Any(RestrictionNames.RelayGuards.Contains))
        {
            restrictions.Relay = relay;
            return;
        }
        // Postfix 2.x configs (and compatibility_level 0) leave relay control to the recipient
        // restrictions; their permits up to the guard are that control, so they become the relay list.
        var guard = recipient.FindIndex(RestrictionNames.RelayGuards.Contains);
        if (guard >= 0)
        {
            restrictions.Relay = recipient[..(guard + 1)];
            import.Info(ImportCodes.Imported, "smtpd_relay_restrictions", $"Relay control came from smtpd_recipient_restrictions; imported as spec.restrictions.relay: {string.Join(", ", restrictions.Relay)}, " +
                "so a later change to the recipient checks cannot open the relay. The recipient list keeps it too, as in the files.");
        }
        else
        {
            import.Warning(ImportCodes.NotImported, "smtpd_relay_restrictions", $"Neither restriction list ends relaying with reject_unauth_destination; spec.restrictions.relay keeps Mailsub's default ({string.Join(", ", restrictions.Relay)}) rather than an open relay.");
        }
    }

    private static List<string> Clean(ImportContext import, string parameter)
    {
        var source = RestrictionList.Of(import.Main, parameter);
        var kept = new List<string>();
        for (var i = 0; i < source.Count; i++)
        {
            var name = source[i];
            if (RestrictionNames.Renamed.TryGetValue(name, out var modern))
            {
                import.Info(ImportCodes.Imported, parameter, $"{name} is the old name of {modern}; imported as {modern}.");
                name = modern;
            }
            if (RestrictionNames.Known.Contains(name))
            {
                if (!kept.Contains(name))
                    kept.Add(name);
                continue;
            }
            // A table or a policy server follows its restriction as the next list element.
            var argument = i + 1 < source.Count && (source[i + 1].Contains(':') || source[i + 1].StartsWith('/')) ? source[++i] : null;
            import.Warning(ImportCodes.NotImported, parameter, $"{name}{(argument is null ? "" : " " + argument)} in {parameter} is not imported: spec.restrictions takes only restrictions without tables or servers (known: see the API reference). " +
                "If it decided who may relay, make sure the imported list still does what it did.");
        }
        return kept;
    }
}

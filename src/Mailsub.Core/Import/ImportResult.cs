using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Import;

/// <summary>A hand-written Postfix configuration, as Postfix reads it.</summary>
/// <param name="MasterCf">master.cf; null for a stock Debian master.cf (only smtp on port 25).</param>
/// <param name="SmtpdConf">Cyrus SASL's smtpd.conf; null when unknown (mech_list: what Cyrus has installed).</param>
public sealed record ImportSource(string MainCf, string? MasterCf = null, string? SmtpdConf = null);

/// <summary>
/// The MailSubmission that reproduces a hand-written configuration, and what it could not carry
/// over. Findings locate themselves in the hand-written files (a main.cf name, "25/name" for a
/// master.cf override, "smtpd.conf/mech_list", "main.cf:12"): the policy analysis's findings on
/// those files, then the import's own (ImportCodes).
/// </summary>
public sealed record ImportResult(MailSubmission Resource, ValidSubmission? Valid, IReadOnlyList<Finding> Findings)
{
    public bool HasErrors => Findings.Any(f => f.Severity == Severity.Error);
}

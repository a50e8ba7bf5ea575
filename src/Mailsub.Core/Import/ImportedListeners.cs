using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Import;

/// <summary>The master.cf services that run smtpd on a network port, as Mailsub's three listeners.</summary>
internal static class ImportedListeners
{
    public static void Map(ImportContext import)
    {
        var listeners = import.Spec.Listeners;
        var found = new Dictionary<ListenerKind, ListenerSpec>();
        foreach (var listener in import.Config.Listeners)
        {
            if (listener.Port is not { } port || listener.Entry.Name.Contains(':'))
            {
                import.Warning(ImportCodes.NotImported, listener.Label, $"The {listener.Label} listener binds one address or a port name Mailsub cannot resolve; the pods listen on every address at numeric ports. Add it as spec.listeners.submission, submissions or smtp with a port.");
                continue;
            }
            if (listener.Entry.Command == "postscreen")
                import.Warning(ImportCodes.NotImported, listener.Label, $"Port {port} runs postscreen; Mailsub runs smtpd directly, so postscreen's checks (and its -o options) are not imported.");
            var kind = KindOf(listener, port);
            if (found.ContainsKey(kind))
            {
                import.Warning(ImportCodes.NotImported, listener.Label, $"A second {kind} listener (port {port}) is not imported: Mailsub has one submission, one submissions and one smtp listener.");
                continue;
            }
            var proxy = listener.Parameters.Get("smtpd_upstream_proxy_protocol") == "haproxy" ? ProxyProtocol.V1V2 : ProxyProtocol.None;
            found[kind] = new ListenerSpec { Enabled = true, Port = port, ProxyProtocol = proxy == ProxyProtocol.V1V2 ? proxy : null };
            import.Listeners.Add(new Listener(kind, port, proxy));
            import.SourceListeners[port] = listener;
        }
        listeners.Submission = found.GetValueOrDefault(ListenerKind.Submission) ?? new ListenerSpec { Enabled = false };
        listeners.Submissions = found.GetValueOrDefault(ListenerKind.Submissions) ?? new ListenerSpec { Enabled = false };
        listeners.Smtp = found.GetValueOrDefault(ListenerKind.Smtp) ?? new ListenerSpec { Enabled = false };
        foreach (var (kind, port) in new[] { (ListenerKind.Submission, 587), (ListenerKind.Submissions, 465) })
        {
            if (!found.ContainsKey(kind))
            {
                import.Info(ImportCodes.Imported, $"spec.listeners.{Name(kind)}", $"master.cf has no {Name(kind)} listener ({port}), so spec.listeners.{Name(kind)} is disabled, as in the files. " +
                    $"Enable it: clients should submit on 587 (STARTTLS) and 465 (implicit TLS) with TLS required before AUTH (RFC 8314).");
            }
        }
        import.Listeners.Sort((a, b) => a.Port.CompareTo(b.Port));
    }

    private static ListenerKind KindOf(SmtpdListener listener, int port) =>
        listener.Tls == TlsMode.Wrapper ? ListenerKind.Submissions
        : port == 25 ? ListenerKind.Smtp
        : port == 587 || listener.RequiresTls ? ListenerKind.Submission
        : ListenerKind.Smtp;

    private static string Name(ListenerKind kind) => new Listener(kind, 0).ServiceName;
}

using Mailsub.Postfix;

namespace Mailsub.Core.Policy;

/// <summary>
/// What Postfix will actually read: main.cf, master.cf, and for every service the parameters it
/// runs with. The rules look only at this, so they also catch what extraConfig or a template
/// change does.
/// </summary>
public sealed class EffectiveConfig
{
    private EffectiveConfig(MainCf main, MasterCf master)
    {
        Main = main;
        Master = master;
        Global = new EffectiveParameters(main, null);
        var listeners = new List<SmtpdListener>();
        foreach (var service in master.Services.Where(s => s.IsInet))
        {
            // postscreen hands clients to the "smtpd pass" service; its -o options are what they meet.
            var smtpd = service.Command switch
            {
                "smtpd" => service,
                "postscreen" => master.Services.FirstOrDefault(s => s is { Type: "pass", Command: "smtpd" }),
                _ => null,
            };
            if (smtpd is not null)
                listeners.Add(new SmtpdListener(service, new EffectiveParameters(main, smtpd)));
        }
        Listeners = listeners.OrderBy(l => l.Port ?? int.MaxValue).ThenBy(l => l.Entry.Line).ToList();
    }

    public MainCf Main { get; }
    public MasterCf Master { get; }

    /// <summary>main.cf and the defaults, without any service's overrides.</summary>
    public EffectiveParameters Global { get; }

    /// <summary>Network listeners running smtpd, by port.</summary>
    public IReadOnlyList<SmtpdListener> Listeners { get; }

    /// <summary>The parameters a service runs with: main.cf overridden by its -o options.</summary>
    public EffectiveParameters For(MasterService service) => new(Main, service);

    public static EffectiveConfig Parse(string mainCf, string masterCf) => new(MainCf.Parse(mainCf), MasterCf.Parse(masterCf));
}

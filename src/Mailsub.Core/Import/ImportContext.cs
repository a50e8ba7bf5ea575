using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Import;

/// <summary>What the mapping steps share: the hand-written files as read, the spec being built, and the findings so far.</summary>
internal sealed class ImportContext(EffectiveConfig config, SmtpdConf sasl, string name, string @namespace)
{
    private readonly List<Finding> _findings = [];
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);

    public EffectiveConfig Config { get; } = config;
    public SmtpdConf Sasl { get; } = sasl;
    public string Name { get; } = name;
    public string Namespace { get; } = @namespace;
    public MailSubmissionSpec Spec { get; } = new();

    /// <summary>main.cf and the defaults, as every listener without overrides reads them.</summary>
    public EffectiveParameters Main => Config.Global;

    /// <summary>The listeners the spec now has, with the hand-written listener each came from.</summary>
    public List<Listener> Listeners { get; } = [];

    public Dictionary<int, SmtpdListener> SourceListeners { get; } = [];

    public IReadOnlyList<Finding> Findings => _findings;

    /// <summary>Marks main.cf parameters as mapped by a step, so the generic pass leaves them alone.</summary>
    public void Handled(params string[] names) => _handled.UnionWith(names);

    public bool IsHandled(string name) => _handled.Contains(name);

    /// <summary>Whether main.cf itself sets name (not the default).</summary>
    public bool IsSet(string name) => Config.Main.Values.ContainsKey(name);

    public void Info(string code, string location, string message) => _findings.Add(Finding.Info("", code, location, message));

    public void Warning(string code, string location, string message) => _findings.Add(Finding.Warning("", code, location, message));

    public void Error(string code, string location, string message) => _findings.Add(Finding.Error("", code, location, message));
}

using Mailsub.Core.Policy;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Import;

/// <summary>
/// Every parameter no mapping step took: into spec.extraConfig when it is allowed there, else a
/// finding. What Mailsub renders itself is compared with the rendered files, so only a value that
/// changes gets a finding.
/// </summary>
internal static class ImportedParameters
{
    /// <summary>Before validation: the main.cf names the spec has no field for.</summary>
    public static void CopyTheRest(ImportContext import)
    {
        foreach (var name in import.Config.Main.Definitions.Select(d => d.Name).Distinct())
        {
            if (import.IsHandled(name) || PostfixParameters.Reserved.ContainsKey(name))
                continue;
            var value = import.Main.Raw(name) ?? "";
            if (PostfixParameters.Deprecated.TryGetValue(name, out var instead))
            {
                import.Warning(ImportCodes.NotImported, name, $"{name} is deprecated and not imported; if it is still needed, put {instead} in spec.extraConfig.");
            }
            else if (!PostfixParameters.Known.Contains(name))
            {
                continue; // UnknownParameter (the policy analysis) names it: Postfix ignored it too.
            }
            else if (PostfixParameters.ValueError(name, value) is { } problem)
            {
                import.Warning(ImportCodes.NotImported, name, $"{name} is not imported: {problem}, so Postfix could not have used it either.");
            }
            else if (value.Contains('/') || value.Contains('$') || value.Contains('\n'))
            {
                import.Warning(ImportCodes.NotImported, name, $"{name} = {value} is not imported: it names a file, table or other parameter the pods do not have. " +
                    "Put it in spec.extraConfig once the image or a mounted volume provides what it names.");
            }
            else
            {
                import.Spec.ExtraConfig[name] = value;
                import.Info(ImportCodes.CopiedToExtraConfig, name, $"Copied to spec.extraConfig.{name} as written.");
            }
        }
    }

    /// <summary>After rendering: what Mailsub sets itself, where the rendered value differs from the hand-written one.</summary>
    public static void CompareRendered(ImportContext import, EffectiveConfig rendered)
    {
        foreach (var name in import.Config.Main.Definitions.Select(d => d.Name).Distinct())
        {
            if (import.IsHandled(name) || !PostfixParameters.Reserved.TryGetValue(name, out var owner))
                continue;
            var written = import.Main.Get(name);
            var renders = rendered.Global.Get(name);
            if (written != renders)
                import.Warning(ImportCodes.RenderedByOperator, name, $"{name} = {written} is not imported: Mailsub renders {name} = {(renders.Length == 0 ? "(unset)" : renders)}; {Owner(owner)}.");
        }
        foreach (var (port, source) in import.SourceListeners)
        {
            var target = rendered.Listeners.FirstOrDefault(l => l.Port == port);
            foreach (var option in source.Parameters.Service?.Options ?? [])
            {
                var written = source.Parameters.Get(option.Name);
                if (target is not null && target.Parameters.Get(option.Name) == written)
                    continue;
                var location = $"{source.Label}/{option.Name}";
                if (PostfixParameters.Reserved.TryGetValue(option.Name, out var owner) || target?.Parameters.IsOverridden(option.Name) == true)
                {
                    import.Warning(ImportCodes.RenderedByOperator, location, $"-o {option.Name}={option.Value} on port {port} is not imported: Mailsub renders {option.Name} = {target?.Parameters.Get(option.Name)} there" +
                        (owner is null ? " for this kind of listener." : $"; {Owner(owner)}."));
                }
                else
                {
                    import.Warning(ImportCodes.NotImported, location, $"-o {option.Name}={option.Value} on port {port} is not imported: Mailsub has no per-listener parameters. " +
                        "Put it in spec.extraConfig if every listener may have it, or leave it out.");
                }
            }
        }
    }

    /// <summary>PostfixParameters.Reserved says "spec.x" (the field to set) or "nothing: why".</summary>
    private static string Owner(string owner) => owner.StartsWith("spec.", StringComparison.Ordinal) ? $"set it through {owner}" : owner["nothing: ".Length..];
}

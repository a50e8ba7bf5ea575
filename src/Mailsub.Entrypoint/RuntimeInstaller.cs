using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>Turns an input snapshot into installed runtime config and sasldb, all or nothing:
/// when anything fails validation, what Postfix runs stays as it was.</summary>
internal sealed class RuntimeInstaller(
    EntrypointOptions options, StateLayout state, PostfixCommands postfix, SaslDbBuilder saslDb, RuntimeConfigStore store)
{
    private IReadOnlyList<string> _realms = [];

    /// <summary>Carries out <paramref name="plan"/> for <paramref name="inputs"/> and returns
    /// the problems that stopped it; empty means installed. Before Postfix first starts, the
    /// full "postfix check" runs; afterwards the quick one.</summary>
    public async Task<IReadOnlyList<string>> InstallAsync(ApplyPlan plan, InputSnapshot inputs, bool postfixRunning)
    {
        string? generation = null;
        string? newSaslDb = null;
        try
        {
            var realms = _realms;
            RuntimeConfig? config = null;
            string? relayTable = null;
            if (plan.RebuildConfig)
            {
                var problems = new List<string>();
                config = Render(inputs, problems);
                if (TlsPair.Problem(inputs.Tls) is { } tls)
                    problems.Add($"{options.TlsDir}: {tls}");
                RelayLogin? relayLogin = null;
                if (options.RelayDir is { } relayDir)
                {
                    (relayLogin, var relayProblems) = RelayCredentials.From(inputs.Relay);
                    problems.AddRange(relayProblems.Select(p => $"{relayDir}: {p}"));
                }
                if (config is null || problems.Count > 0)
                    return problems;

                generation = store.Write(config);
                var (values, valueProblems) = await postfix.ValuesAsync(
                    generation, expand: true, "smtpd_sasl_local_domain", "mydomain", "myhostname", "relayhost");
                problems.AddRange(valueProblems);
                if (relayLogin is not null && valueProblems.Count == 0)
                {
                    relayTable = RelayCredentials.Table(values["relayhost"], relayLogin);
                    if (relayTable is null)
                        problems.Add($"{options.RelayDir}: holds smarthost credentials, but main.cf sets no relayhost to use them with");
                }
                var (saslValues, saslProblems) = await postfix.ValuesAsync(
                    generation, expand: false, SaslMechanismGuard.Parameters);
                problems.AddRange(saslProblems);
                if (saslProblems.Count == 0)
                    problems.AddRange(SaslMechanismGuard.Problems(config.SmtpdConf, config.MasterCf, saslValues));
                problems.AddRange(postfixRunning
                    ? await postfix.QuickCheckAsync(generation)
                    : await postfix.CheckAsync(generation));
                if (problems.Count > 0)
                    return problems.Distinct().ToArray();
                realms = SaslRealms.For(values["smtpd_sasl_local_domain"], values["mydomain"], values["myhostname"]);
            }

            if (plan.RebuildSaslDb || !realms.SequenceEqual(_realms))
            {
                var (users, userProblems) = SaslUsers.From(inputs.Users);
                if (userProblems.Count > 0)
                    return userProblems;
                newSaslDb = state.SaslDb + ".new";
                var dbProblems = await saslDb.BuildAsync(SaslUsers.Entries(users, realms), newSaslDb);
                if (dbProblems.Count > 0)
                    return dbProblems;
            }

            if (newSaslDb is not null)
            {
                File.Move(newSaslDb, state.SaslDb, overwrite: true);
                newSaslDb = null;
            }
            if (relayTable is not null)
                WriteOwnerOnly(state.RelayCredentials, relayTable);
            if (generation is not null && config is not null)
            {
                store.Activate(generation, config);
                generation = null;
            }
            _realms = realms;
            return [];
        }
        finally
        {
            // Whatever was built but not installed is thrown away.
            if (generation is not null)
                RuntimeConfigStore.Discard(generation);
            if (newSaslDb is not null)
                File.Delete(newSaslDb);
        }
    }

    /// <summary>The runtime copy of the mounted config with the entrypoint's paths in it.</summary>
    private RuntimeConfig? Render(InputSnapshot inputs, List<string> problems)
    {
        var mainCf = inputs.Config.Text(MainCf.FileName);
        var masterCf = inputs.Config.Text(MasterCf.FileName);
        var smtpdConf = inputs.Config.Text(SmtpdConf.FileName);
        foreach (var (name, text) in new[] { (MainCf.FileName, mainCf), (MasterCf.FileName, masterCf), (SmtpdConf.FileName, smtpdConf) })
        {
            if (text is null)
                problems.Add($"{Path.Combine(options.ConfigDir, name)} is missing");
        }
        if (mainCf is null || masterCf is null || smtpdConf is null)
            return null;

        var overrides = RuntimeOverrides.For(options, state, RuntimeOverrides.HasCaFile(inputs.Tls),
            MainCf.Parse(mainCf)["smtp_sasl_password_maps"], TlsFingerprints.Of(inputs.Tls.Text(TlsFiles.Certificate) ?? ""));
        return new RuntimeConfig(
            MainCf.WithParameters(mainCf, overrides, "mailsub-entrypoint: paths of this pod"),
            masterCf,
            SmtpdConf.WithSaslDbPath(smtpdConf, state.SaslDb));
    }

    /// <summary>Replaces <paramref name="path"/> in one rename with a file that only its owner
    /// (root) can read, as SASL_README asks of a password table: smtp(8) opens it before it
    /// drops root privileges.</summary>
    private static void WriteOwnerOnly(string path, string text)
    {
        var temporary = path + ".new";
        File.Delete(temporary);
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }
        File.Move(temporary, path, overwrite: true);
    }
}

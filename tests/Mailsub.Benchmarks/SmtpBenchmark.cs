using System.Diagnostics;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mailsub.Core.Rendering;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;
using Mailsub.Testing.Postfix;
using MimeKit;

namespace Mailsub.Benchmarks;

/// <summary>
/// Authenticated STARTTLS submissions per second on port 587, through the rendered samples and
/// through the seed tutorial's hand-written main.cf (seed-handwritten/), each run by the
/// entrypoint on this machine's Postfix, side by side in one run. The rendered seed uses the
/// handwritten one's mechanism (CRAM-MD5), so its ratio isolates the templates; the modern
/// profile logs in with PLAIN, as its clients do. Clients are 127.0.0.1, a trusted network in
/// all three, so anvil's rate limits (smtpd_client_event_limit_exceptions = $mynetworks) do
/// not throttle the benchmark. Accepted mail goes to discard(8) in all three
/// (default_transport = discard on top of each config, as the test fixture puts its relayhost
/// there): delivery would compete with submission for the same cores and measure smtp(8).
/// Besides the rate, each cell reports the CPU that instance's Postfix daemons used per
/// message, which other load on a shared machine hardly disturbs.
/// </summary>
public static class SmtpBenchmark
{
    private sealed record Target(string Name, PostfixInstance Postfix, string Login, string Password, string Sender, bool Plain);

    /// <summary>One measurement: messages/s, and CPU per message of the instance's Postfix
    /// daemons and of this client.</summary>
    private sealed record Result(double Rate, double CpuMsPerMessage, double ClientMsPerMessage, int Errors);

    /// <summary>Set on top of every config under test.</summary>
    private static readonly IReadOnlyDictionary<string, string> Downstream =
        new Dictionary<string, string> { ["default_transport"] = "discard" };

    private sealed record Cell(bool Persistent, int Clients)
    {
        public string Name => $"{(Persistent ? "persistent" : "conn/msg"),-10} x{Clients,-2}";
    }

    private static bool Detail;

    public static async Task<int> RunAsync(string[] args)
    {
        Detail = args.Contains("--detail");
        // --quick: a smoke run for CI (one short round), so the harness cannot rot unnoticed.
        var quick = args.Contains("--quick");
        var seconds = Option(args, "--seconds", quick ? 1 : 5);
        var rounds = (int)Option(args, "--rounds", quick ? 1 : 3);
        var root = RepositoryRoot.Path;
        if (Prerequisites.Problem() is { } problem)
        {
            Console.Error.WriteLine($"smtp benchmark: {problem}");
            return 2;
        }

        Console.WriteLine($"smtp benchmark: authenticated STARTTLS submissions/s on 587, {seconds:0} s per cell, " +
            $"{rounds} rounds; Postfix {PostfixVersion()}, {Environment.ProcessorCount} cores");
        Console.WriteLine("starting three Postfix instances through the entrypoint ...");
        await using var modern = await StartRenderedAsync(root, "modern", "alice");
        await using var seed = await StartRenderedAsync(root, "seed", "username");
        await using var handwritten = await PostfixInstance.StartAsync(new PostfixInstanceOptions
        {
            ConfigDirectory = Path.Combine(root, "tests", "Mailsub.Benchmarks", "seed-handwritten"),
            Users = new Dictionary<string, string> { ["username"] = "bench-secret" },
            Tls = TlsMaterial.SelfSigned("mail.example.net"),
            MainCfParameters = Downstream,
        });
        Target[] targets =
        [
            new("rendered modern (PLAIN)", modern, "alice", "bench-secret", "alice@example.com", Plain: true),
            new("rendered seed (CRAM-MD5)", seed, "username", "bench-secret", "username@example.net", Plain: false),
            new("handwritten seed (CRAM-MD5)", handwritten, "username", "bench-secret", "username@example.net", Plain: false),
        ];
        Cell[] cells = [new(true, 4), new(true, 16), new(false, 4), new(false, 16)];

        // Warm-up, not counted: this client's JIT (tiered compilation settles after some seconds
        // of the same calls), Postfix's daemons and TLS caches, for both session patterns.
        foreach (var target in targets)
        {
            await RunCellAsync(target, new Cell(true, 4), TimeSpan.FromSeconds(2), report: false);
            await RunCellAsync(target, new Cell(false, 4), TimeSpan.FromSeconds(2), report: false);
        }
        var results = new Dictionary<(Cell, Target), List<Result>>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var cell in cells)
            {
                // Back to back, starting with a different target each round: load from elsewhere
                // on a shared machine then falls on all three alike, and no target always goes first.
                foreach (var target in targets.Skip(round % targets.Length).Concat(targets.Take(round % targets.Length)))
                {
                    var result = await RunCellAsync(target, cell, TimeSpan.FromSeconds(seconds));
                    if (!results.TryGetValue((cell, target), out var list))
                        results[(cell, target)] = list = [];
                    list.Add(result);
                }
            }
        }

        // Medians over the rounds; a ratio is the median of the rounds' ratios, each taken from
        // measurements seconds apart.
        double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
        double Rate(Cell cell, Target target) => Median(results[(cell, target)].Select(r => r.Rate));
        double Cpu(Cell cell, Target target) => Median(results[(cell, target)].Select(r => r.CpuMsPerMessage));
        double Ratio(Cell cell, Target target, Func<Result, Result, double> of) =>
            Median(results[(cell, target)].Zip(results[(cell, targets[2])], of));

        Console.WriteLine();
        Console.WriteLine($"median of {rounds}       rendered modern  rendered seed  handwritten  modern/hand  seed/hand");
        foreach (var cell in cells)
        {
            Console.WriteLine($"{cell.Name,-15} msgs/s {Rate(cell, targets[0]),9:0} {Rate(cell, targets[1]),14:0} {Rate(cell, targets[2]),12:0} " +
                $"{Ratio(cell, targets[0], (r, h) => r.Rate / h.Rate),12:0.00} {Ratio(cell, targets[1], (r, h) => r.Rate / h.Rate),10:0.00}");
        }
        // On a shared machine the rate follows whatever CPU others leave; the CPU each message
        // costs Postfix moves much less, so its inverse ratio is the steadier comparison.
        Console.WriteLine("Postfix CPU per message; ratio = handwritten/rendered, above 1 the rendered config costs less");
        foreach (var cell in cells)
        {
            Console.WriteLine($"{cell.Name,-15} ms     {Cpu(cell, targets[0]),9:0.00} {Cpu(cell, targets[1]),14:0.00} {Cpu(cell, targets[2]),12:0.00} " +
                $"{Ratio(cell, targets[0], (r, h) => h.CpuMsPerMessage / r.CpuMsPerMessage),12:0.00} " +
                $"{Ratio(cell, targets[1], (r, h) => h.CpuMsPerMessage / r.CpuMsPerMessage),10:0.00}");
        }
        var errors = results.Values.Sum(list => list.Sum(r => r.Errors));
        if (errors > 0)
            Console.WriteLine($"{errors} submissions failed (see above)");
        return errors > 0 ? 1 : 0;
    }

    private static async Task<PostfixInstance> StartRenderedAsync(string root, string sample, string login)
    {
        var read = ManifestReader.ReadMailSubmission(await File.ReadAllTextAsync(Path.Combine(root, "samples", sample + ".yaml")));
        var valid = SubmissionValidator.Validate(read.Resource!).Valid
            ?? throw new InvalidOperationException($"samples/{sample}.yaml does not validate");
        var rendered = PostfixRenderer.Render(valid);
        var dir = Directory.CreateTempSubdirectory("mailsub-bench-").FullName;
        try
        {
            foreach (var (name, text) in rendered.Files)
                await File.WriteAllTextAsync(Path.Combine(dir, name), text);
            return await PostfixInstance.StartAsync(new PostfixInstanceOptions
            {
                ConfigDirectory = dir,
                Users = new Dictionary<string, string> { [login] = "bench-secret" },
                Tls = TlsMaterial.SelfSigned(valid.Spec.Hostname),
                MainCfParameters = Downstream,
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs <paramref name="cell"/>'s clients against one target until the time is up;
    /// returns messages accepted per second and the number of failures.</summary>
    private static async Task<Result> RunCellAsync(Target target, Cell cell, TimeSpan duration, bool report = true)
    {
        var master = target.Postfix.MasterProcessId ?? throw new InvalidOperationException($"{target.Name}: no master\n{target.Postfix.Describe()}");
        var sent = 0;
        var errors = new List<string>();
        var cpuBefore = PostfixCpu.ByDaemon(master);
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var logBefore = target.Postfix.Output.Lines.Count;
        var clock = Stopwatch.StartNew();

        async Task ClientAsync()
        {
            // A message of its own: MimeKit objects are not thread-safe, and a shared one was
            // serialized by two clients at once (IndexOutOfRangeException in MemoryStream.Read).
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(target.Sender));
            message.To.Add(MailboxAddress.Parse("rcpt@remote.example"));
            message.Subject = "bench";
            message.Body = new TextPart("plain") { Text = "x" };
            using var client = new SmtpClient(new NullProtocolLogger()) { Timeout = 30_000, LocalDomain = "bench.example.org" };
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
            while (clock.Elapsed < duration)
            {
                try
                {
                    if (!client.IsConnected)
                    {
                        await client.ConnectAsync("localhost", target.Postfix.Port(587), SecureSocketOptions.StartTls);
                        await client.AuthenticateAsync(target.Plain
                            ? new SaslMechanismPlain(target.Login, target.Password)
                            : new SaslMechanismCramMd5(target.Login, target.Password));
                    }
                    await client.SendAsync(message);
                    Interlocked.Increment(ref sent);
                    if (!cell.Persistent)
                        await client.DisconnectAsync(quit: true);
                }
                catch (Exception e) when (e is IOException or SmtpCommandException or SmtpProtocolException or AuthenticationException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    lock (errors)
                        errors.Add($"{e.GetType().Name}: {e.Message}");
                    if (client.IsConnected)
                        await client.DisconnectAsync(quit: false);
                }
            }
            if (client.IsConnected)
                await client.DisconnectAsync(quit: true);
        }

        await Task.WhenAll(Enumerable.Range(0, cell.Clients).Select(_ => Task.Run(ClientAsync)));
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuAfter = PostfixCpu.ByDaemon(master);
        var cpu = cpuAfter.Values.Sum() - cpuBefore.Values.Sum();
        var client = (Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalMilliseconds;
        var result = new Result(sent / elapsed, sent > 0 ? cpu * 1000 / sent : double.NaN,
            sent > 0 ? client / sent : double.NaN, errors.Count);
        // smtpd_tls_loglevel 1 logs every handshake as "TLS connection established"; Postfix 3.7
        // names the server digest of a TLS 1.3 handshake only when it signed, i.e. not when the
        // client resumed a session.
        var handshakes = target.Postfix.Output.Lines.Skip(logBefore)
            .Where(l => l.Contains("TLS connection established", StringComparison.Ordinal)).ToArray();
        var full = handshakes.Count(l => l.Contains("server-digest", StringComparison.Ordinal));
        var resumed = handshakes.Length - full;
        if (report)
        {
            Console.WriteLine($"  {cell.Name} {target.Name,-28} {result.Rate,7:0} msgs/s ({sent} in {elapsed:0.0} s), " +
                $"CPU/msg: Postfix {result.CpuMsPerMessage:0.00} ms, this client {result.ClientMsPerMessage:0.00} ms; " +
                $"TLS handshakes {full} full, {resumed} resumed" +
                (errors.Count > 0 ? $", {errors.Count} failed, first: {errors[0]}" : ""));
        }

        if (Detail && report)
        {
            Console.WriteLine($"      log lines/msg {(target.Postfix.Output.Lines.Count - logBefore) / (double)Math.Max(sent, 1):0.0}; ms/msg by daemon: " + string.Join(", ", cpuAfter
                .Select(d => (d.Key, Ms: (d.Value - cpuBefore.GetValueOrDefault(d.Key)) * 1000 / Math.Max(sent, 1)))
                .Where(d => d.Ms >= 0.01)
                .OrderByDescending(d => d.Ms)
                .Select(d => $"{d.Key} {d.Ms:0.00}")));
        }

        return result;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && double.TryParse(args[at + 1], out var value) ? value : fallback;
    }

    private static string PostfixVersion()
    {
        using var postconf = Process.Start(new ProcessStartInfo(Prerequisites.Find("postconf"), "-d -h mail_version")
        {
            RedirectStandardOutput = true,
        })!;
        var version = postconf.StandardOutput.ReadToEnd().Trim();
        postconf.WaitForExit();
        return version;
    }
}

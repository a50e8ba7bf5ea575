using System.Text.RegularExpressions;
using MailKit.Security;
using Mailsub.Testing.Postfix;
using Mailsub.Testing.Smtp;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>
/// What a healthy service's log holds: nothing an operator would have to look into. Each sample
/// starts, takes a logged-in message to the relay host, reloads a changed main.cf and stops, and
/// Postfix's log has no warning, error, fatal or panic line (before `alias_maps =` was rendered,
/// every smtpd start logged `error: open database /etc/aliases.db` and a NIS warning).
/// </summary>
[Collection(PostfixCollection.Name)]
public sealed partial class HealthyLogTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"\b(warning|error|fatal|panic):")]
    private static partial Regex Trouble();

    [Fact]
    public async Task The_modern_sample_serves_587_and_465_reloads_and_stops_without_a_warning_in_its_log()
    {
        var postfix = await Samples.StartAsync(Samples.Read("modern"), new Dictionary<string, string> { ["alice"] = "alice-secret", ["bob"] = "bob-secret" });
        await using (postfix)
        {
            foreach (var port in new[] { 587, 465 })
            {
                var subject = $"healthy {port} {Guid.NewGuid()}";
                using (var client = await MailClient.ConnectAsync(postfix.AsServer(), port))
                {
                    await client.LoginAsync(new SaslMechanismPlain("alice", "alice-secret"));
                    await client.SendAsync("alice@example.com", "friend@remote.example", subject);
                }
                await postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
            }
            await ReloadAndStopAsync(postfix);
        }
    }

    [Fact]
    public async Task The_seed_sample_serves_587_with_CRAM_MD5_reloads_and_stops_without_a_warning_in_its_log()
    {
        var postfix = await Samples.StartAsync(Samples.Read("seed"), new Dictionary<string, string> { [SeedSample.User] = SeedSample.Password });
        await using (postfix)
        {
            var subject = $"healthy seed {Guid.NewGuid()}";
            using (var client = await MailClient.ConnectAsync(postfix.AsServer(), 587))
            {
                await client.LoginAsync(new SaslMechanismCramMd5(SeedSample.User, SeedSample.Password));
                await client.SendAsync("username@example.net", "friend@remote.example", subject);
            }
            await postfix.Sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(15));
            await ReloadAndStopAsync(postfix);
        }
    }

    private async Task ReloadAndStopAsync(PostfixInstance postfix)
    {
        postfix.SetMainCfParameters(("message_size_limit", "20480000"));
        Assert.True(await postfix.Errors.WaitForAsync("applied the changes", TimeSpan.FromSeconds(15)), postfix.Describe());
        Assert.Equal(0, await postfix.StopAsync(TimeSpan.FromSeconds(40)));

        output.WriteLine(postfix.Output.Text);
        var trouble = postfix.Output.Lines.Where(l => Trouble().IsMatch(l)).ToList();
        Assert.True(trouble.Count == 0, $"a healthy service logged:\n{string.Join('\n', trouble)}");
    }
}

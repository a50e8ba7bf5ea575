using Mailsub.Core.Api;
using Mailsub.Testing.Postfix;

namespace Mailsub.Acceptance.Tests;

/// <summary>The acceptance tests run one class at a time: Postfix instances side by side on two
/// cores would make the reload timings measure the machine, not Mailsub.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostfixCollection
{
    public const string Name = "Acceptance: rendered samples on Postfix 3.7 + Cyrus SASL 2.1 (real daemons)";
}

/// <summary>One running instance of a rendered sample, shared by the tests of a class that
/// only read from it.</summary>
public abstract class SampleInstance : IAsyncLifetime
{
    public PostfixInstance Postfix { get; private set; } = null!;

    internal abstract MailSubmission Resource();

    internal abstract IReadOnlyDictionary<string, string> Users { get; }

    public async Task InitializeAsync() => Postfix = await Samples.StartAsync(Resource(), Users);

    public async Task DisposeAsync()
    {
        if (Postfix is not null)
            await Postfix.DisposeAsync();
    }
}

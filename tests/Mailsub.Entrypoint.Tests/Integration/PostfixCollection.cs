namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>The real-Postfix tests run one at a time: several instances at once on two cores
/// would make the reload-latency assertions measure the machine, not the entrypoint.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostfixCollection
{
    public const string Name = "Postfix 3.7 + Cyrus SASL 2.1 (real daemons)";
}

using Mailsub.Core.Api;
using Mailsub.Core.Builders;

namespace Mailsub.Core.Tests.Builders;

public class PrerequisitesTests
{
    [Fact]
    public void The_modern_sample_needs_alices_Secret_and_the_ClusterIssuer_and_nothing_for_bobs_generated_password()
    {
        var prerequisites = Prerequisites.Of(Samples.Read("modern").Spec).ToList();

        Assert.Equal(
            [
                new Prerequisite("Secret", "alice-password", "spec.auth.users[0].passwordSecretRef", "key password: alice's password"),
                new Prerequisite("ClusterIssuer", "letsencrypt", "spec.tls.issuerRef", "cert-manager (cert-manager.io) issues the server certificate with it"),
            ],
            prerequisites);
    }

    [Fact]
    public void A_TLS_secretName_and_relay_credentials_are_Secrets_to_create_first()
    {
        var spec = Gen.Submission("m", s =>
        {
            s.Auth.Users = [new UserSpec { Name = "carol", PasswordSecretRef = new SecretKeyReference { Name = "shared", Key = "carol" } }];
            s.RelayHost = new RelayHostSpec { Host = "smtp.example.net", CredentialsSecretRef = new SecretReference { Name = "relay-login" } };
        }).Spec;

        Assert.Equal(
            [
                ("Secret", "shared", "spec.auth.users[0].passwordSecretRef", "key carol: carol's password"),
                ("Secret", "m-tls", "spec.tls.secretName", "tls.crt and tls.key (type kubernetes.io/tls): the server certificate"),
                ("Secret", "relay-login", "spec.relayHost.credentialsSecretRef", "keys username and password: SMTP AUTH to the relay host"),
            ],
            Prerequisites.Of(spec).Select(p => (p.Kind, p.Name, p.Field, p.Holds)));
    }
}

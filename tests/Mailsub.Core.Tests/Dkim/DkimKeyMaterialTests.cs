using System.Security.Cryptography;
using Mailsub.Core.Dkim;

namespace Mailsub.Core.Tests.Dkim;

public class DkimKeyMaterialTests
{
    [Fact]
    public void A_generated_key_is_RSA_2048_and_its_record_carries_the_public_key_only()
    {
        var pem = DkimKeyMaterial.Generate();

        var value = DkimKeyMaterial.RecordValue(pem, out var problem);

        Assert.Null(problem);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem);
        Assert.StartsWith("v=DKIM1; k=rsa; p=", value);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        Assert.Equal(2048, rsa.KeySize);
        Assert.Equal(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()), value!["v=DKIM1; k=rsa; p=".Length..]);
    }

    [Fact]
    public void A_PKCS1_key_reads_as_well()
    {
        using var rsa = RSA.Create(1024);

        Assert.NotNull(DkimKeyMaterial.RecordValue(rsa.ExportRSAPrivateKeyPem(), out _));
    }

    [Fact]
    public void What_is_not_an_RSA_key_of_a_usable_size_is_named_without_quoting_it()
    {
        using var small = RSA.Create(512);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Null(DkimKeyMaterial.RecordValue("not a key at all", out var garbage));
        Assert.Null(DkimKeyMaterial.RecordValue(small.ExportPkcs8PrivateKeyPem(), out var tooSmall));
        Assert.Null(DkimKeyMaterial.RecordValue(ec.ExportPkcs8PrivateKeyPem(), out var notRsa));

        Assert.Equal("is not a PEM RSA private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)", garbage);
        Assert.Contains("512 bits", tooSmall);
        Assert.DoesNotContain("not a key at all", garbage);
        Assert.NotNull(notRsa);
    }
}

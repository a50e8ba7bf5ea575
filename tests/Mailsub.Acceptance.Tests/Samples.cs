using Mailsub.Core.Api;
using Mailsub.Core.Rendering;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;
using Mailsub.Testing.Postfix;

namespace Mailsub.Acceptance.Tests;

/// <summary>The resources in samples/, read as `kubectl apply` sends them, and what the
/// operator renders from them. Variations are made on the parsed resource (see
/// <see cref="Variations"/>), never on rendered files.</summary>
internal static class Samples
{
    private static string Root => RepositoryRoot.Path;

    /// <summary>A fresh copy of samples/NAME.yaml; free to change.</summary>
    public static MailSubmission Read(string name)
    {
        var read = ManifestReader.ReadMailSubmission(File.ReadAllText(Path.Combine(Root, "samples", name + ".yaml")));
        Assert.True(read.Resource is not null, $"samples/{name}.yaml does not read: {string.Join("; ", read.Errors)}");
        return read.Resource!;
    }

    /// <summary>Validates and renders, failing the test with the validator's errors.</summary>
    public static RenderedConfig Render(MailSubmission resource)
    {
        var result = SubmissionValidator.Validate(resource);
        Assert.True(result.Valid is not null,
            $"{resource.Metadata.Name} does not validate: {string.Join("; ", result.Errors.Select(e => e.ToString()))}");
        return PostfixRenderer.Render(result.Valid!);
    }

    /// <summary>Runs the rendered resource through the entrypoint: its numeric ports mapped to
    /// free loopback ports, its relayhost the instance's smtp-sink, and a self-signed
    /// certificate for the resource's hostname.</summary>
    /// <param name="tls">The TLS Secret; a fresh self-signed certificate for the hostname when null.</param>
    /// <param name="mainCf">main.cf parameters on top of the rendered file (relayhost: the instance's sink).</param>
    public static async Task<PostfixInstance> StartAsync(MailSubmission resource, IReadOnlyDictionary<string, string> users,
        TlsMaterial? tls = null, IReadOnlyDictionary<string, string>? mainCf = null, IReadOnlyDictionary<string, string>? dkimKeys = null)
    {
        var rendered = Render(resource);
        var dir = Directory.CreateTempSubdirectory("mailsub-acceptance-").FullName;
        try
        {
            foreach (var (name, text) in rendered.Files)
                await File.WriteAllTextAsync(Path.Combine(dir, name), text);
            return await PostfixInstance.StartAsync(new PostfixInstanceOptions
            {
                ConfigDirectory = dir,
                Users = users,
                Tls = tls ?? TlsMaterial.SelfSigned(resource.Spec.Hostname),
                MainCfParameters = mainCf ?? new Dictionary<string, string>(),
                DkimKeys = dkimKeys,
                GraceSeconds = 20,
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Writes the rendered resource into the running instance's ConfigMap volume in
    /// one update, as the kubelet does after the operator changed the ConfigMap.</summary>
    public static void Apply(PostfixInstance postfix, MailSubmission resource) =>
        postfix.WriteConfig(Render(resource).Files.Select(f => (f.Key, f.Value)).ToArray());
}

/// <summary>One-line changes to a parsed resource.</summary>
internal static class Variations
{
    public static MailSubmission Trusting(this MailSubmission resource, params string[] networks)
    {
        resource.Spec.TrustedNetworks = [.. networks];
        return resource;
    }

    public static MailSubmission WithSmtpListener(this MailSubmission resource)
    {
        resource.Spec.Listeners.Smtp = new ListenerSpec { Enabled = true, Port = ListenersSpec.DefaultSmtpPort };
        return resource;
    }

    public static MailSubmission WithMessageSize(this MailSubmission resource, long bytes)
    {
        resource.Spec.Limits.MessageSizeBytes = bytes;
        return resource;
    }

    public static MailSubmission WithExtraConfig(this MailSubmission resource, string name, string value)
    {
        resource.Spec.ExtraConfig[name] = value;
        return resource;
    }
}

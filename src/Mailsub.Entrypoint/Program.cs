using Mailsub.Entrypoint;

var (options, error) = CommandLine.Parse(args, Environment.CurrentDirectory);
if (options is null)
{
    if (error is not null)
        Console.Error.WriteLine($"mailsub-entrypoint: {error}");
    Console.Error.Write(CommandLine.Usage);
    return error is null ? 0 : 2;
}

var (tools, missing) = PostfixTools.Find();
if (tools is null)
{
    Console.Error.WriteLine($"mailsub-entrypoint: error: not found: {string.Join(", ", missing)}. " +
        "Install the Debian packages postfix, sasl2-bin, libsasl2-modules and bsdutils (script).");
    return 2;
}
if (!Environment.IsPrivilegedProcess)
{
    Console.Error.WriteLine("mailsub-entrypoint: error: Postfix's master daemon must be started as root " +
        "(it binds the SMTP ports and drops privileges per daemon); run the entrypoint as root.");
    return 2;
}

return await new Supervisor(options, tools).RunAsync();

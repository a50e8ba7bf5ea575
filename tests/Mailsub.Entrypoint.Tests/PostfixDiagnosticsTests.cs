namespace Mailsub.Entrypoint.Tests;

public class PostfixDiagnosticsTests
{
    [Fact]
    public void Problems_from_terminal_and_log_are_reported_once_each()
    {
        // What "postfix check" printed under script(1) for a main.cf with two mistakes.
        var output =
            "/usr/sbin/postconf: warning: /s/etc.3/main.cf: unused parameter: foo_bar=1\r\n" +
            "/usr/sbin/postconf: warning: /s/etc.3/main.cf: unused parameter: foo_bar=1\r\n" +
            "postfix: fatal: bad numerical configuration: message_size_limit = abc\r\n" +
            "Nov 28 00:26:13 mail postfix[9318]: fatal: bad numerical configuration: message_size_limit = abc\r\n" +
            "postfix/postfix-script: the Postfix mail system is running: PID: 28741\r\n";

        Assert.Equal(
            [
                "warning: /s/etc.3/main.cf: unused parameter: foo_bar=1",
                "fatal: bad numerical configuration: message_size_limit = abc",
            ],
            PostfixDiagnostics.Problems(output));
    }

    [Fact]
    public void Clean_output_has_no_problems()
    {
        Assert.Empty(PostfixDiagnostics.Problems("postfix/postfix-script: starting the Postfix mail system\n"));
    }
}

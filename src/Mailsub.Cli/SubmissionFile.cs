using Mailsub.Core.Policy;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;

namespace Mailsub.Cli;

/// <summary>
/// A MailSubmission file judged by <see cref="SubmissionCheck"/> (offline: the CLI reads no
/// Secrets), so the CLI refuses what the webhook and the reconciler refuse; or why it could not
/// be: unreadable, or not a MailSubmission.
/// </summary>
public sealed record SubmissionFile(FileInfo File, SubmissionCheck? Check, string? Unreadable, IReadOnlyList<FieldError> Errors)
{
    /// <summary>The validated spec; null when the file is unreadable or invalid.</summary>
    public ValidSubmission? Valid => Check?.Validation.Valid;

    public static SubmissionFile Read(FileInfo file)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(file, null, $"cannot read {file.FullName}: {e.Message}", []);
        }
        var read = ManifestReader.ReadMailSubmission(text);
        if (read.Resource is null)
            return new(file, null, null, read.Errors);
        var check = SubmissionCheck.Offline(read.Resource);
        return new(file, check, null, check.Validation.Errors);
    }

    /// <summary>Reads the file; on failure says why on stderr, then what was not done (<paramref name="notDone"/>).</summary>
    public static ValidSubmission? Load(FileInfo file, string notDone)
    {
        var loaded = Read(file);
        loaded.Report(notDone);
        return loaded.Valid;
    }

    /// <summary>Why the file is not valid, on stderr; nothing when it is.</summary>
    public void Report(string notDone)
    {
        if (Unreadable is { } unreadable)
            Console.Error.WriteLine($"error: {unreadable}");
        foreach (var error in Errors)
            Console.Error.WriteLine($"error: {error}");
        if (Errors.Count > 0)
            Console.Error.WriteLine($"{File.Name}: {Errors.Count} error{(Errors.Count == 1 ? "" : "s")}; {notDone}. Fix the fields named above and run again.");
    }
}

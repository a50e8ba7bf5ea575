using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;

namespace Mailsub.Cli;

/// <summary>Reads and validates a MailSubmission file; on failure says why on stderr.</summary>
public static class SubmissionFile
{
    public static ValidSubmission? Load(FileInfo file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot read {file.FullName}: {e.Message}");
            return null;
        }
        var read = ManifestReader.ReadMailSubmission(text);
        if (read.Resource is null)
        {
            Report(file, read.Errors);
            return null;
        }
        var result = SubmissionValidator.Validate(read.Resource);
        if (!result.IsValid)
            Report(file, result.Errors);
        return result.Valid;
    }

    private static void Report(FileInfo file, IReadOnlyList<FieldError> errors)
    {
        foreach (var error in errors)
            Console.Error.WriteLine($"error: {error}");
        Console.Error.WriteLine($"{file.Name}: {errors.Count} error{(errors.Count == 1 ? "" : "s")}; nothing was rendered. Fix the fields named above and run again.");
    }
}

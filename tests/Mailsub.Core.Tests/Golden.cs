namespace Mailsub.Core.Tests;

/// <summary>
/// Byte-for-byte comparison with a checked-in file, so a change to rendered output is a
/// reviewable diff. MAILSUB_UPDATE_GOLDEN=1 rewrites the files instead.
/// </summary>
public static class Golden
{
    public static void Check(string actual, params string[] path)
    {
        var file = Repository.PathOf(path);
        if (Repository.UpdateGolden)
        {
            File.WriteAllText(file, actual);
            return;
        }
        Assert.True(File.Exists(file), $"{file} is missing; run the tests with MAILSUB_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(file), actual);
    }
}

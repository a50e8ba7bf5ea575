namespace Mailsub.Benchmarks.EndToEnd;

/// <summary>The rows of the end-to-end benchmark, each figure beside its goal; a measurement that
/// throws becomes a FAILED row and the run goes on to the next one.</summary>
public sealed class ResultTable
{
    private readonly List<(string Figure, string Measured, string Goal, string Verdict, string Note)> _rows = [];

    public bool AllMeasured { get; private set; } = true;

    /// <summary>A row; <paramref name="pass"/> null for a figure without a goal (a baseline, a ratio).</summary>
    public void Add(string figure, string measured, string goal, bool? pass, string note)
    {
        lock (_rows)
            _rows.Add((figure, measured, goal, pass switch { true => "PASS", false => "MISS", null => "" }, note));
        Console.WriteLine($"  {figure}: {measured} {(goal.Length > 0 ? $"(goal {goal})" : "")} {note}");
    }

    public void Fail(string figure, string why)
    {
        AllMeasured = false;
        lock (_rows)
            _rows.Add((figure, "-", "", "FAILED", why));
        Console.WriteLine($"  {figure}: FAILED: {why}");
    }

    public async Task<T?> Try<T>(string figure, string goal, Func<Task<T>> measure)
    {
        try
        {
            return await measure();
        }
        catch (Exception e)
        {
            Fail(figure, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}{(goal.Length > 0 ? $" (goal {goal})" : "")}");
            return default;
        }
    }

    public void Print(string title)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine($"{"figure",-48} {"measured",10} {"goal",10}  {"verdict",-7} note");
        lock (_rows)
        {
            foreach (var (figure, measured, goal, verdict, note) in _rows)
                Console.WriteLine($"{figure,-48} {measured,10} {goal,10}  {verdict,-7} {note}");
        }
    }
}

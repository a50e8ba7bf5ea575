using System.Globalization;

namespace Mailsub.Benchmarks.Controller;

/// <summary>
/// Where a process's resident memory sits, from /proc/PID/smaps: file-backed by file, and the
/// anonymous mappings by what they most likely are, so the benchmark can say which part of VmRSS
/// to cut (docs/performance.md, "Where the anonymous memory goes"). The kernel names only file
/// mappings, so the rest is inferred from shape: the GC reserves its regions as one range of
/// hundreds of GiB, committed piece by piece (contiguous anonymous mappings summing to at least
/// 1 GiB); a thread stack is a rw mapping right above a one-page PROT_NONE guard; what is left
/// is glibc's malloc arenas (64 MiB reservations), the GC's bookkeeping and the runtime's own.
/// </summary>
public sealed record MemoryMap(IReadOnlyList<(string What, double RssMiB, int Mappings)> Parts, int Threads)
{
    private sealed record Mapping(ulong Start, ulong End, string Perms, string Path)
    {
        public double RssKib { get; set; }
    }

    public static MemoryMap Read(int pid)
    {
        var mappings = new List<Mapping>();
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && !fields[0].EndsWith(':') && fields[0].Split('-') is [var start, var end])
            {
                mappings.Add(new Mapping(Convert.ToUInt64(start, 16), Convert.ToUInt64(end, 16), fields[1], string.Join(' ', fields[5..])));
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal) && mappings.Count > 0)
            {
                mappings[^1].RssKib = double.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        // Runs of contiguous anonymous mappings: one GC reservation shows as many.
        var runSize = new ulong[mappings.Count];
        for (var i = 0; i < mappings.Count;)
        {
            var j = i;
            while (j + 1 < mappings.Count && mappings[j + 1].Path.Length == 0 && mappings[i].Path.Length == 0 && mappings[j + 1].Start == mappings[j].End)
            {
                j++;
            }
            for (var k = i; k <= j; k++)
            {
                runSize[k] = mappings[j].End - mappings[i].Start;
            }
            i = j + 1;
        }

        var parts = new Dictionary<string, (double Kib, int Count)>(StringComparer.Ordinal);
        for (var i = 0; i < mappings.Count; i++)
        {
            var m = mappings[i];
            if (m.RssKib == 0)
            {
                continue;
            }
            var previous = i > 0 ? mappings[i - 1] : null;
            var label = m.Path switch
            {
                "[heap]" => "native heap (brk)",
                "[stack]" => "main thread stack",
                var p when p.StartsWith('/') => "file " + System.IO.Path.GetFileName(p),
                var p when p.Length > 0 => p,
                _ when runSize[i] >= 1UL << 30 => "anon: GC regions",
                _ when previous is { Path.Length: 0 } && previous.Perms.StartsWith("---", StringComparison.Ordinal)
                    && previous.End == m.Start && previous.End - previous.Start == 4096 => "anon: thread stacks",
                _ => "anon: other (malloc arenas, GC bookkeeping, runtime)",
            };
            var (sum, count) = parts.GetValueOrDefault(label);
            parts[label] = (sum + m.RssKib, count + 1);
        }
        var threads = Directory.GetDirectories($"/proc/{pid}/task").Length;
        return new MemoryMap(parts.OrderByDescending(p => p.Value.Kib).Select(p => (p.Key, p.Value.Kib / 1024, p.Value.Count)).ToList(), threads);
    }

    public string Describe(int top = 8) =>
        $"{Threads} threads; " + string.Join(", ", Parts.Take(top).Select(p => $"{p.What} {p.RssMiB:0.0} MiB ({p.Mappings})"));
}

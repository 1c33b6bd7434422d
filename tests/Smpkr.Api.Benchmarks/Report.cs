using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Smpkr.Api.Benchmarks;

/// <summary>Writes a benchmark's section into docs/benchmarks.md, replacing the previous run of the same benchmark.</summary>
internal static partial class Report
{
    public static async Task WriteSectionAsync(string key, string title, string body)
    {
        var path = Path.Combine(BenchmarkHost.RepositoryRoot(), "docs", "benchmarks.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = File.Exists(path)
            ? await File.ReadAllTextAsync(path)
            : "# Benchmarks\n\nEach section is written by its benchmark command; run the command again to refresh it. " +
              "Figures are from one machine and one run, next to a baseline measured in the same run.\n";
        var start = $"<!-- {key}:start -->";
        var end = $"<!-- {key}:end -->";
        var section = $"{start}\n## {title}\n\nRun {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.\n\n{body}{end}";
        var pattern = new Regex(Regex.Escape(start) + ".*?" + Regex.Escape(end), RegexOptions.Singleline);
        text = pattern.IsMatch(text) ? pattern.Replace(text, section) : text.TrimEnd() + "\n\n" + section + "\n";
        await File.WriteAllTextAsync(path, text);
        Console.WriteLine($"Wrote {path}");
    }

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? MemTotal().Match(File.ReadAllText("/proc/meminfo")) is { Success: true } m ? $"{long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 1024 / 1024} GiB" : null
            : null;
        return $"Machine: {Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {memory ?? "unknown memory"}, {RuntimeInformation.OSDescription}, " +
               $".NET {Environment.Version}; service and load on the same machine; PostgreSQL throwaway cluster (fsync off) provisioned by the command; {HugePages()}.";
    }

    /// <summary>
    /// Whether PostgreSQL's shared memory can be in 2 MiB pages: it takes them when the machine has enough
    /// reserved (<c>huge_pages = try</c>), and with 4 kB pages the same 1 000 000 register served feed pages
    /// at half the rate (docs/benchmarks.md).
    /// </summary>
    private static string HugePages()
    {
        if (!File.Exists("/proc/meminfo"))
        {
            return "huge pages unknown";
        }

        var text = File.ReadAllText("/proc/meminfo");
        long Field(string name) => Regex.Match(text, name + @":\s+(\d+)") is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var size = Field("Hugepagesize") / 1024;
        var total = Field("HugePages_Total") * size;
        return total == 0
            ? "no huge pages reserved (PostgreSQL's shared memory in 4 kB pages)"
            : $"{total:N0} MiB of huge pages reserved (PostgreSQL's `huge_pages = try` takes them for its shared memory)";
    }

    [GeneratedRegex(@"MemTotal:\s+(\d+) kB")]
    private static partial Regex MemTotal();
}

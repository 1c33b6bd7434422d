using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Smpkr.Api.Benchmarks;

/// <summary>Writes a benchmark's section into docs/benchmarks.md, replacing the previous run of the same benchmark.</summary>
internal static class Report
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
        var memInfo = File.Exists("/proc/meminfo") ? File.ReadAllText("/proc/meminfo") : null;
        long? Field(string name) => memInfo is not null && Regex.Match(memInfo, $@"^{name}:\s+(\d+)", RegexOptions.Multiline) is { Success: true } m
            ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;
        var memory = Field("MemTotal") is { } kilobytes ? $"{kilobytes / 1024 / 1024} GiB" : "unknown memory";
        return $"Machine: {Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {memory}, {RuntimeInformation.OSDescription}, " +
               $".NET {Environment.Version}; service and load on the same machine; PostgreSQL throwaway cluster (fsync off) provisioned by the command; {HugePages(Field)}.";
    }

    /// <summary>
    /// Whether PostgreSQL's shared memory can be in 2 MiB pages: it takes them when the machine has enough
    /// reserved (<c>huge_pages = try</c>), and with 4 kB pages the same 1 000 000 register served feed pages
    /// at half the rate (docs/benchmarks.md).
    /// </summary>
    private static string HugePages(Func<string, long?> memInfo)
    {
        if (memInfo("HugePages_Total") is not { } pages || memInfo("Hugepagesize") is not { } kilobytes)
        {
            return "huge pages unknown";
        }

        return pages == 0
            ? "no huge pages reserved (PostgreSQL's shared memory in 4 kB pages)"
            : $"{pages * kilobytes / 1024:N0} MiB of huge pages reserved (PostgreSQL's `huge_pages = try` takes them for its shared memory)";
    }
}

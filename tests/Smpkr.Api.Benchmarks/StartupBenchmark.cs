using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Smpkr.Api.Benchmarks;

/// <summary>
/// Start-up with a register present: the time from starting the service's process to its first 200 on
/// <c>/health/ready</c>, its resident memory once idle, and its first read by code, next to a bare
/// ASP.NET Core process over an <see cref="NpgsqlDataSource"/> started the same way in the same run.
/// Rounds of each kind take turns so that the machine's changes of speed fall on all of them.
/// </summary>
internal static class StartupBenchmark
{
    private const double ReadySecondsTarget = 2;
    private const double IdleMiBTarget = 200;
    private const string DropCaches = "/proc/sys/vm/drop_caches";

    private sealed record Start(TimeSpan Ready, double IdleMiB, double FirstReadMs);

    private sealed record Kind(string Name, Func<Task<Start>> Run, List<Start> Rounds);

    public static async Task<int> RunAsync(string[] args)
    {
        var programmes = Args.Number(args, "--programmes", 100_000);
        var rounds = Args.Number(args, "--rounds", 5);
        var idleSeconds = Args.Number(args, "--idle-seconds", 10);
        var write = !args.Contains("--no-write");
        var busy = SearchBenchmark.LoadAverage();
        Console.WriteLine($"Start-up benchmark: {programmes} programmes, {rounds} rounds, {idleSeconds} s idle; load average before start {busy}");

        await using var host = await BenchmarkHost.StartAsync(
            async connectionString => await new RegisterGenerator(programmes, seed: 1).RunAsync(connectionString, line => Console.WriteLine($"  {line}")),
            startService: false);
        string code;
        long records;
        await using (var dataSource = NpgsqlDataSource.Create(host.DatabaseConnectionString))
        {
            await using var command = dataSource.CreateCommand(
                "SELECT (SELECT code FROM published_records WHERE object_type = 'programme' ORDER BY code OFFSET (SELECT count(*) / 2 FROM published_records WHERE object_type = 'programme') LIMIT 1), (SELECT count(*) FROM register_records)");
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            code = reader.GetString(0);
            records = reader.GetInt64(1);
        }

        var idle = TimeSpan.FromSeconds(idleSeconds);
        var kinds = new List<Kind>
        {
            new("bare ASP.NET Core + Npgsql process", () => BareAsync(host.DatabaseConnectionString, code, idle), []),
            new("service (migrations a deployment step: the Production default)", () => ServiceAsync(host, null, code, idle), []),
            new("service migrating at start (`Database__MigrateOnStartup=true`, the Development default)",
                () => ServiceAsync(host, new Dictionary<string, string> { ["Database__MigrateOnStartup"] = "true" }, code, idle), []),
        };

        // One unmeasured start of each first: the runtime's and the builds' files come into the page cache.
        foreach (var kind in kinds)
        {
            await kind.Run();
        }

        for (var round = 1; round <= rounds; round++)
        {
            foreach (var kind in kinds)
            {
                var start = await kind.Run();
                kind.Rounds.Add(start);
                Console.WriteLine($"  round {round}, {kind.Name}: ready in {start.Ready.TotalSeconds:F2} s, idle {start.IdleMiB:F0} MiB, first read {start.FirstReadMs:F0} ms");
            }
        }

        // Cold: the page cache dropped (root only), as on a node that has not run the image lately.
        var cold = new List<Kind>();
        if (CanDropCaches())
        {
            foreach (var kind in kinds.Take(2))
            {
                await DropPageCacheAsync();
                var start = await kind.Run();
                cold.Add(kind with { Name = kind.Name + ", page cache dropped first", Rounds = [start] });
                Console.WriteLine($"  page cache dropped, {kind.Name}: ready in {start.Ready.TotalSeconds:F2} s, idle {start.IdleMiB:F0} MiB, first read {start.FirstReadMs:F0} ms");
            }
        }
        else
        {
            Console.WriteLine($"  not measured with the page cache dropped: {DropCaches} is not writable (needs root)");
        }

        // What a replica holds once it has answered a search: the search entries in memory.
        await host.StartServiceAsync(loadSearch: false);
        using (var client = new HttpClient { BaseAddress = host.BaseAddress })
        {
            var loading = await BenchmarkHost.WaitForSearchMemoryAsync(client);
            await Task.Delay(idle);
            var loaded = OpenDataBenchmark.ResidentMiB(host.ServiceProcessId);
            await host.StopServiceAsync();
            var report = Report(kinds, cold, loading, loaded, idleSeconds);
            Console.WriteLine();
            Console.Write(report);
            if (write)
            {
                var command = $"dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- startup --programmes {programmes} --rounds {rounds} --idle-seconds {idleSeconds}";
                var noise = $"Load average when the run started: {busy} on {Environment.ProcessorCount} cores.";
                await Benchmarks.Report.WriteSectionAsync("startup", "Start-up",
                    $"Command: `{command}`\n\n{Benchmarks.Report.Machine()}\n\n{noise}\n\n" +
                    $"The generated register of {programmes:N0} programmes ({records:N0} records with their versions, feed and search entries). {Method(idleSeconds)}\n\n{report}");
            }
        }

        return 0;
    }

    private static string Method(int idleSeconds) =>
        "Each start: the process is started (`dotnet <dll>`, Release build, `ASPNETCORE_ENVIRONMENT=Production`, the benchmark's connection string); " +
        "ready is the time from starting it to the first 200 from `/health/ready` (probed every 10 ms; the service's readiness reads the database's migrations history and says whether the search entries are in memory); " +
        $"idle is the process's resident set (`VmRSS`) after {idleSeconds} s with no requests after that; " +
        "first read is the first `GET /open/v1/programmes/{code}` after that (the bare process: the same record by the same query), which pays for compiling the path. " +
        "The process is then killed. Rounds of each kind take turns, after one unmeasured start of each. Bare: `WebApplication.CreateBuilder`, an `NpgsqlDataSource`, a readiness endpoint running `SELECT 1` and the by-code read, nothing else.";

    private static string Report(List<Kind> kinds, List<Kind> cold, TimeSpan loading, double loadedMiB, int idleSeconds)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var table = new StringBuilder()
            .AppendLine("| start | rounds | ready, median (s) | ready, slowest (s) | idle resident, median (MiB) | idle resident, largest (MiB) | first read, median (ms) |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var kind in kinds.Concat(cold))
        {
            var ready = kind.Rounds.Select(r => r.Ready.TotalSeconds).ToList();
            var idle = kind.Rounds.Select(r => r.IdleMiB).ToList();
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {kind.Name} | {kind.Rounds.Count} | {Median(ready):F2} | {ready.Max():F2} | {Median(idle):F0} | {idle.Max():F0} | {Median(kind.Rounds.Select(r => r.FirstReadMs)):F0} |");
        }

        var bare = Median(kinds[0].Rounds.Select(r => r.Ready.TotalSeconds));
        var service = Median(kinds[1].Rounds.Select(r => r.Ready.TotalSeconds));
        // Judged: the service as deployed (migrations a step of their own), warm and with the page cache dropped.
        var services = kinds[1].Rounds.Concat(cold.Skip(1).SelectMany(k => k.Rounds)).ToList();
        var slowest = services.Max(r => r.Ready.TotalSeconds);
        var largest = services.Max(r => r.IdleMiB);
        table.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Service ÷ bare process, ready (medians): {service / bare:F2}×.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"Once a search has loaded the search entries into memory (in {loading.TotalSeconds:F1} s, when the first search that needs them arrives), the service idles at {loadedMiB:F0} MiB resident ({idleSeconds} s after loading; `Search__Memory=false` keeps them out, docs/operations.md).")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"Cold start to ready ≤ {ReadySecondsTarget:F0} s: {(slowest <= ReadySecondsTarget ? "met" : "NOT met")} (slowest start of the service as deployed in this run, page cache dropped or not: {slowest:F2} s). " +
                $"Idle working set ≤ {IdleMiBTarget:F0} MiB: {(largest <= IdleMiBTarget ? "met" : "NOT met")} (largest idle resident set after such a start {largest:F0} MiB; {loadedMiB:F0} MiB with the search entries loaded).");
        return table.ToString();
    }

    private static async Task<Start> ServiceAsync(BenchmarkHost host, IReadOnlyDictionary<string, string>? environment, string code, TimeSpan idle)
    {
        var ready = await host.StartServiceAsync(environment, loadSearch: false);
        try
        {
            await Task.Delay(idle);
            var resident = OpenDataBenchmark.ResidentMiB(host.ServiceProcessId);
            var first = await FirstReadAsync(host.BaseAddress, $"/open/v1/programmes/{code}");
            return new Start(ready, resident, first);
        }
        finally
        {
            await host.StopServiceAsync();
        }
    }

    private static async Task<Start> BareAsync(string connectionString, string code, TimeSpan idle)
    {
        var address = new Uri($"http://127.0.0.1:{Hosting.DevServices.PostgresProvisioner.FreePort()}");
        var dll = typeof(StartupBenchmark).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [dll, "bare-service"]) { WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        start.Environment["ConnectionStrings__Smpkr"] = connectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var clock = Stopwatch.StartNew();
        using var process = BenchmarkHost.Launch(start, "bare process");
        try
        {
            var ready = await BenchmarkHost.WaitUntilReadyAsync(address, clock, "The bare process");
            await Task.Delay(idle);
            var resident = OpenDataBenchmark.ResidentMiB(process.Id);
            var first = await FirstReadAsync(address, $"/by-code/{code}");
            return new Start(ready, resident, first);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<double> FirstReadAsync(Uri address, string path)
    {
        using var client = new HttpClient { BaseAddress = address };
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static bool CanDropCaches()
    {
        try
        {
            using var file = File.OpenWrite(DropCaches);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static async Task DropPageCacheAsync()
    {
        using (var sync = Process.Start("sync") ?? throw new InvalidOperationException("Could not run sync."))
        {
            await sync.WaitForExitAsync();
        }

        await File.WriteAllTextAsync(DropCaches, "3");
    }

    /// <summary>
    /// The baseline process (<c>bare-service</c>): ASP.NET Core's default builder, an
    /// <see cref="NpgsqlDataSource"/>, a readiness endpoint that asks the database, and the by-code read.
    /// </summary>
    public static async Task<int> BareServiceAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        await using var dataSource = NpgsqlDataSource.Create(builder.Configuration.GetConnectionString("Smpkr")
            ?? throw new InvalidOperationException("ConnectionStrings__Smpkr is not set."));
        var app = builder.Build();
        app.MapGet("/health/ready", async (HttpContext http) =>
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(http.RequestAborted);
            return Results.Text("Healthy");
        });
        OpenDataBenchmark.Baseline.MapByCode(app, dataSource);
        await app.RunAsync();
        return 0;
    }
}

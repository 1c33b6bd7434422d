using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Smpkr.Api.Hosting.DevServices;
using Smpkr.Api.Register;
using Smpkr.Api.Search;

namespace Smpkr.Api.Benchmarks;

/// <summary>
/// The register's hot reads at scale: a generated register, the service from its Release build,
/// and for each workload the same work done by a bare <see cref="NpgsqlDataSource"/> endpoint in
/// the same run (and pgbench running the same SQL for the database's own ceiling). Workloads:
/// record by code, search (<c>q</c> + two filters + facets), filtered list. A scale mode repeats
/// the run at several sizes and prints how each figure grows.
/// </summary>
internal static class SearchBenchmark
{
    private const string Provider = "111950243";
    private const double SearchP95TargetMs = 30;
    private const double SearchGrowthTarget = 3;

    /// <summary>What people look for: fields, occupations and subjects, one or two words.</summary>
    private static readonly string[] Words =
    [
        "informatika", "vadyba", "teisė", "inžinerija", "mokytojas", "apskaitininko", "dizainas", "programų sistemos", "sveikatos",
        "ekonomika", "virėjo", "kalbos", "fizika", "statyba", "biotechnologijos", "logistikos", "slaugytojo padėjėjo", "verslo vadyba",
    ];

    private static readonly (string Name, string Query)[] Filters =
    [
        ("kind=study&cycle=first", "kind=study&cycle=first"),
        ("status=registered&language=lt", "status=registered&language=lt"),
        ("kind=vocational&ltksLevel=IV", "kind=vocational&ltksLevel=IV"),
        ("studyType=university&eqfLevel=7", "studyType=university&eqfLevel=7"),
    ];

    private sealed record Workload(string Name, int Connections, Func<Random, string> ApiPath, Func<Random, string> BaselinePath, string? PgbenchScript);

    internal sealed record Figures(double RequestsPerSecond, double P50, double P95, double P99, int Errors);

    private sealed record Row(string Workload, int Connections, Figures Api, Figures Baseline, double? PgbenchTps);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--print-sql"))
        {
            Console.WriteLine(SearchScript(Args.Text(args, "--print-sql") is { } word && !word.StartsWith('-') ? word : "informatika", study: true, facets: true));
            return 0;
        }

        var seconds = Args.Number(args, "--seconds", 10);
        var write = !args.Contains("--no-write");
        var scale = args.Contains("--scale");
        var sizes = scale
            ? (Args.Text(args, "--sizes") ?? "10000,100000,1000000").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList()
            : [Args.Number(args, "--programmes", 100_000)];
        var busy = LoadAverage();
        Console.WriteLine($"Search benchmark: {string.Join(" / ", sizes)} programmes, {seconds} s per measurement; load average before start {busy}");

        var results = new List<(int Size, List<Row> Rows, RegisterGenerator.GenerationSummary Generated)>();
        RegisterGenerator.GenerationSummary? generated = null;
        await using var host = await BenchmarkHost.StartAsync(async connectionString =>
            generated = await new RegisterGenerator(sizes[0], seed: 1).RunAsync(connectionString, line => Console.WriteLine($"  {line}")));
        for (var i = 0; i < sizes.Count; i++)
        {
            if (i > 0)
            {
                var connectionString = await host.CreateDatabaseAsync($"smpkr_bench_{sizes[i]}");
                generated = await new RegisterGenerator(sizes[i], seed: 1).RunAsync(connectionString, line => Console.WriteLine($"  {line}"));
                await host.SwitchDatabaseAsync(connectionString);
            }

            Console.WriteLine($"Register of {sizes[i]} programmes ({generated!.Records} records): measuring");
            results.Add((sizes[i], await MeasureAsync(host, seconds), generated));
        }

        var report = new StringBuilder();
        foreach (var (size, rows, summary) in results)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"### {size:N0} programmes ({summary.Records:N0} records, generated in {(summary.Load + summary.PostSteps).TotalSeconds:F0} s)")
                .AppendLine().Append(Table(rows)).AppendLine().AppendLine(Verdict(rows)).AppendLine();
        }

        if (results.Count > 1)
        {
            report.AppendLine("### Growth").AppendLine().Append(Growth(results)).AppendLine();
        }

        Console.WriteLine();
        Console.Write(report);
        if (write)
        {
            var command = scale
                ? $"dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- search --scale --sizes {string.Join(',', sizes)} --seconds {seconds}"
                : $"dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- search --programmes {sizes[0]} --seconds {seconds}";
            var noise = $"Load average when the run started: {busy} on {Environment.ProcessorCount} cores (other work on the machine skews absolute figures; the ratios are measured side by side).";
            await Report.WriteSectionAsync(scale ? "search-scale" : "search", scale ? "Register reads at scale" : "Register reads: by code, search, filtered list",
                $"Command: `{command}`\n\n{Report.Machine()}\n\n{noise}\n\n{Method}\n\n{report}");
        }

        return 0;
    }

    private const string Method =
        "Each workload runs for the stated time after a warm-up of half that (at least 6 s), with a fixed number of concurrent keep-alive connections from an in-process load driver " +
        "(random codes, words and filters from fixed lists, seed 1). API: the service's Release build as its own process, with a provider's token, measured once its search entries are in memory (it counts searches with words, facets or a total there; filtered lists run in PostgreSQL). " +
        "Baseline: a bare `NpgsqlDataSource` minimal-API endpoint in the benchmark process doing the same database work (by code: the record, its version in force and, for a study programme, its latest accreditation decision, which the register generates for every registered study programme; " +
        "search and list: the service's own search SQL via `RegisterSearch` in PostgreSQL, then the page's records) and writing JSON directly, without auth, validation, EF Core or response mapping. " +
        "pgbench: the same SQL straight at PostgreSQL (the database's ceiling; by code with random codes, search and list with one representative query). " +
        "Latencies in ms.";

    private static async Task<List<Row>> MeasureAsync(BenchmarkHost host, int seconds)
    {
        var codes = new List<string>();
        await using (var dataSource = NpgsqlDataSource.Create(host.DatabaseConnectionString))
        {
            await using var command = dataSource.CreateCommand("SELECT code FROM register_records WHERE object_type = 'programme' AND status = 'Registered' ORDER BY code LIMIT 20000");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                codes.Add(reader.GetString(0));
            }

            await using var table = dataSource.CreateCommand("DROP TABLE IF EXISTS bench_codes; CREATE TABLE bench_codes AS SELECT row_number() OVER (ORDER BY code) AS i, code FROM register_records WHERE object_type = 'programme' AND status = 'Registered'; CREATE UNIQUE INDEX ON bench_codes (i)");
            await table.ExecuteNonQueryAsync();
        }

        await using var baseline = await Baseline.StartAsync(host.DatabaseConnectionString);
        string SearchQuery(Random r) => $"q={Uri.EscapeDataString(Words[r.Next(Words.Length)])}&{Filters[r.Next(Filters.Length)].Query}&facets=fieldGroup,ltksLevel,language";
        string ListQuery(Random r) => $"{Filters[r.Next(Filters.Length)].Query}&sort=name&limit=50";
        var workloads = new[]
        {
            new Workload("record by code", 32, r => $"/api/v1/programmes/by-code/{codes[r.Next(codes.Count)]}", r => $"/by-code/{codes[r.Next(codes.Count)]}", ByCodeScript(codes.Count)),
            new Workload("search: q + two filters + facets", 8, r => $"/api/v1/programmes?{SearchQuery(r)}", r => $"/search?{SearchQuery(r)}",
                SearchScript("informatika", study: true, facets: true)),
            new Workload("filtered list (two filters, by name)", 8, r => $"/api/v1/programmes?{ListQuery(r)}", r => $"/search?{ListQuery(r)}",
                SearchScript(null, study: true, facets: false)),
        };

        var api = host.Client("provider", Provider);
        var rows = new List<Row>();
        foreach (var workload in workloads)
        {
            var apiFigures = await DriveAsync(api.BaseAddress!, api.DefaultRequestHeaders.Authorization!.ToString(), workload.ApiPath, workload.Connections, seconds);
            var baseFigures = await DriveAsync(baseline.Address, null, workload.BaselinePath, workload.Connections, seconds);
            var tps = workload.PgbenchScript is null ? (double?)null : await PgbenchAsync(host, workload.PgbenchScript, workload.Connections, seconds);
            rows.Add(new Row(workload.Name, workload.Connections, apiFigures, baseFigures, tps));
            Console.WriteLine($"  {workload.Name}: API {apiFigures.RequestsPerSecond:F0} req/s p95 {apiFigures.P95:F1} ms; baseline {baseFigures.RequestsPerSecond:F0} req/s p95 {baseFigures.P95:F1} ms; pgbench {tps:F0} tps");
        }

        return rows;
    }

    // ---- load driver -----------------------------------------------------------------------

    internal static async Task<Figures> DriveAsync(Uri address, string? authorization, Func<Random, string> path, int connections, int seconds, int? warmUpSeconds = null)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        // Warm-up long enough for a freshly started service to finish its JIT tiering: measured is the steady state.
        // It draws its own requests (other seeds): the measurement must not replay what the warm-up just cached.
        await RunAsync(client, path, connections, TimeSpan.FromSeconds(warmUpSeconds ?? Math.Max(6, seconds / 2)), null, seed: 1_000);
        var latencies = new List<double>[connections];
        var errors = new int[1];
        var watch = Stopwatch.StartNew();
        await RunAsync(client, path, connections, TimeSpan.FromSeconds(seconds), (worker, ms, ok) =>
        {
            (latencies[worker] ??= []).Add(ms);
            if (!ok)
            {
                Interlocked.Increment(ref errors[0]);
            }
        });
        var elapsed = watch.Elapsed.TotalSeconds;
        var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToList();
        double Percentile(double p) => all.Count == 0 ? double.NaN : all[Math.Min(all.Count - 1, (int)Math.Ceiling(p * all.Count) - 1)];
        return new Figures(all.Count / elapsed, Percentile(0.50), Percentile(0.95), Percentile(0.99), errors[0]);
    }

    private static int _failureShown;

    internal static async Task RunAsync(HttpClient client, Func<Random, string> path, int connections, TimeSpan duration, Action<int, double, bool>? record, int seed = 0)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            var random = new Random(seed + worker + 1);
            var buffer = new byte[64 * 1024];
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = false;
                try
                {
                    using var response = await client.GetAsync(path(random), HttpCompletionOption.ResponseHeadersRead);
                    await using (var stream = await response.Content.ReadAsStreamAsync())
                    {
                        while (await stream.ReadAsync(buffer) > 0)
                        {
                        }
                    }

                    ok = response.IsSuccessStatusCode;
                    if (!ok && Interlocked.Exchange(ref _failureShown, 1) == 0)
                    {
                        Console.Error.WriteLine($"  first failure: {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (IOException)
                {
                }

                record?.Invoke(worker, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok);
            }
        })));
    }

    // ---- pgbench ---------------------------------------------------------------------------

    // The record, its version in force and a study programme's latest accreditation decision (what the service shows as facts).
    private const string ByCodeSql =
        "SELECT r.id, r.code, r.status, r.owner, r.name_lt, v.content::text, v.valid_from, a.decision, a.decided_on, a.valid_until, a.decision_number, a.scores::text " +
        "FROM register_records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.current_version " +
        "LEFT JOIN LATERAL (SELECT * FROM accreditations a WHERE a.programme_id = r.id ORDER BY a.decided_on DESC, a.recorded_at DESC LIMIT 1) a ON true " +
        "WHERE r.object_type = 'programme' AND r.code = $1";

    private static string ByCodeScript(int codes) => $"""
        \set i random(1, {codes})
        {ByCodeSql.Replace("$1", "(SELECT code FROM bench_codes WHERE i = :i)", StringComparison.Ordinal)};
        """;

    /// <summary>The service's own search SQL for one representative request, its parameters written as literals.</summary>
    private static string SearchScript(string? q, bool study, bool facets)
    {
        var request = new SearchRequest
        {
            Text = q,
            Words = q is null ? [] : [q],
            Kinds = study ? ["study"] : [],
            Cycles = study ? ["first"] : [],
            Sort = q is null ? SearchSort.Name : SearchSort.Relevance,
            Facets = facets ? ["fieldGroup", "ltksLevel", "language"] : [],
        };
        var command = RegisterSearch.Build("programme", request, SearchVisibility.For(new Auth.Caller("benchmark", new HashSet<string> { "provider" }, Provider, null, "benchmark")));
        string Inline(string sql)
        {
            for (var i = command.Parameters.Count; i >= 1; i--)
            {
                sql = sql.Replace($"${i}", Literal(command.Parameters[i - 1]), StringComparison.Ordinal);
            }

            return sql;
        }

        return Inline(command.Sql) + ";\n";
    }

    private static string Literal(NpgsqlParameter parameter)
    {
        static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
        return parameter.Value switch
        {
            string text => Quote(text) + "::text",
            string[] texts => $"ARRAY[{string.Join(',', texts.Select(Quote))}]::{(parameter.NpgsqlDbType.HasFlag(NpgsqlDbType.Varchar) && parameter.NpgsqlDbType != (NpgsqlDbType.Array | NpgsqlDbType.Text) ? "varchar" : "text")}[]",
            int[] numbers => $"ARRAY[{string.Join(',', numbers)}]::int[]",
            int number => number.ToString(CultureInfo.InvariantCulture),
            Guid id => Quote(id.ToString()) + "::uuid",
            DateOnly date => Quote(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) + "::date",
            DateTimeOffset instant => Quote(instant.ToString("O", CultureInfo.InvariantCulture)) + "::timestamptz",
            double number => number.ToString("R", CultureInfo.InvariantCulture) + "::float8",
            _ => throw new NotSupportedException($"No literal for {parameter.Value?.GetType()}"),
        };
    }

    internal static async Task<double?> PgbenchAsync(BenchmarkHost host, string script, int connections, int seconds)
    {
        var file = Path.Combine(Path.GetTempPath(), $"smpkr-pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(host.DatabaseConnectionString);
            var pgbench = new[] { "/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench" }.FirstOrDefault(File.Exists) ?? "pgbench";
            var start = new ProcessStartInfo(pgbench, ["-n", "-f", file, "-c", connections.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture),
                "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database!])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            if (builder.Password is { } password)
            {
                start.Environment["PGPASSWORD"] = password;
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("tps = ", StringComparison.Ordinal));
            if (process.ExitCode != 0 || line is null)
            {
                Console.Error.WriteLine($"  pgbench failed ({process.ExitCode}): {error.Trim()}");
                return null;
            }

            return double.Parse(line["tps = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"  pgbench not available: {e.Message}");
            return null;
        }
        finally
        {
            File.Delete(file);
        }
    }

    // ---- report ----------------------------------------------------------------------------

    private static string Table(List<Row> rows)
    {
        var table = new StringBuilder();
        table.AppendLine("| workload | conns | API req/s | API p50 | API p95 | API p99 | baseline req/s | baseline p50 | baseline p95 | baseline p99 | API ÷ baseline (req/s) | pgbench tps | errors |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Workload} | {row.Connections} | {row.Api.RequestsPerSecond:F0} | {row.Api.P50:F1} | {row.Api.P95:F1} | {row.Api.P99:F1} | " +
                $"{row.Baseline.RequestsPerSecond:F0} | {row.Baseline.P50:F1} | {row.Baseline.P95:F1} | {row.Baseline.P99:F1} | " +
                $"{row.Api.RequestsPerSecond / row.Baseline.RequestsPerSecond:F2}× | {(row.PgbenchTps is { } tps ? tps.ToString("F0", CultureInfo.InvariantCulture) : "–")} | {row.Api.Errors + row.Baseline.Errors} |");
        }

        return table.ToString();
    }

    private static string Verdict(List<Row> rows)
    {
        var search = rows.Single(r => r.Workload.StartsWith("search", StringComparison.Ordinal));
        var byCode = rows.Single(r => r.Workload.StartsWith("record by code", StringComparison.Ordinal));
        var ratio = byCode.Api.RequestsPerSecond / byCode.Baseline.RequestsPerSecond;
        return (search.Api.P95 <= SearchP95TargetMs
                   ? $"Search target p95 ≤ {SearchP95TargetMs:F0} ms at 8 connections: met ({search.Api.P95:F1} ms). "
                   : $"Search target p95 ≤ {SearchP95TargetMs:F0} ms at 8 connections: NOT met ({search.Api.P95:F1} ms). ")
               + (ratio >= 1.0
                   ? $"By code ≥ 1.0 × the bare-Npgsql baseline: met ({ratio:F2}×)."
                   : $"By code ≥ 1.0 × the bare-Npgsql baseline: NOT met ({ratio:F2}×).");
    }

    private static string Growth(List<(int Size, List<Row> Rows, RegisterGenerator.GenerationSummary Generated)> results)
    {
        var first = results[0];
        var last = results[^1];
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"| workload | {string.Join(" | ", results.Select(r => $"p95 at {r.Size:N0}"))} | p95 growth {first.Size:N0} → {last.Size:N0} | req/s growth |");
        table.Append("|---|").Append(string.Concat(results.Select(_ => "---:|"))).AppendLine("---:|---:|");
        foreach (var row in first.Rows)
        {
            var lastRow = last.Rows.Single(r => r.Workload == row.Workload);
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Workload} | {string.Join(" | ", results.Select(r => r.Rows.Single(x => x.Workload == row.Workload).Api.P95.ToString("F1", CultureInfo.InvariantCulture)))} | " +
                $"{lastRow.Api.P95 / row.Api.P95:F2}× | {lastRow.Api.RequestsPerSecond / row.Api.RequestsPerSecond:F2}× |");
        }

        var search = first.Rows.Single(r => r.Workload.StartsWith("search", StringComparison.Ordinal));
        var searchLast = last.Rows.Single(r => r.Workload == search.Workload);
        var growth = searchLast.Api.P95 / search.Api.P95;
        var met = growth < SearchGrowthTarget ? "met" : "NOT met";
        table.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Search p95 growth < {SearchGrowthTarget:F0}×: {met} ({growth:F2}×).");
        return table.ToString();
    }

    private static RegisterBodies Bodies()
    {
        var options = new Microsoft.AspNetCore.Http.Json.JsonOptions();
        Hosting.JsonSetup.Apply(options.SerializerOptions);
        return new RegisterBodies(Microsoft.Extensions.Options.Options.Create(options));
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    // ---- the bare-Npgsql baseline ----------------------------------------------------------

    /// <summary>Minimal endpoints over a bare <see cref="NpgsqlDataSource"/>: no auth, no validation, no EF Core, JSON written by hand.</summary>
    private sealed class Baseline : IAsyncDisposable
    {
        private WebApplication _app = null!;
        private NpgsqlDataSource _dataSource = null!;

        public Uri Address { get; private set; } = null!;

        public static async Task<Baseline> StartAsync(string connectionString)
        {
            var baseline = new Baseline { _dataSource = NpgsqlDataSource.Create(connectionString) };
            var port = PostgresProvisioner.FreePort();
            baseline.Address = new Uri($"http://127.0.0.1:{port}");
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(baseline.Address.ToString());
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var reported = 0;
            app.Use(async (http, next) =>
            {
                try
                {
                    await next(http);
                }
                catch (Exception e) when (Interlocked.Exchange(ref reported, 1) == 0)
                {
                    Console.Error.WriteLine($"  baseline failed: {e}");
                    throw;
                }
            });
            var search = new RegisterSearch(baseline._dataSource);
            var dataSource = baseline._dataSource;
            var caller = new Auth.Caller("benchmark", new HashSet<string> { "provider" }, Provider, null, "benchmark");
            var classifiers = new ClassifierCatalog(dataSource, TimeProvider.System);
            var programmes = new SearchableRegisterType<Programmes.ProgrammeBody>(new Programmes.ProgrammeType(), Bodies());

            app.MapGet("/by-code/{code}", async (string code, HttpContext http) =>
            {
                await using var command = dataSource.CreateCommand(ByCodeSql);
                command.Parameters.Add(new NpgsqlParameter { Value = code });
                await using var reader = await command.ExecuteReaderAsync(http.RequestAborted);
                if (!await reader.ReadAsync(http.RequestAborted))
                {
                    http.Response.StatusCode = 404;
                    return;
                }

                http.Response.ContentType = "application/json";
                var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
                await using var json = new Utf8JsonWriter(buffer);
                json.WriteStartObject();
                json.WriteString("id", reader.GetGuid(0));
                json.WriteString("code", reader.GetString(1));
                json.WriteString("status", reader.GetString(2).ToLowerInvariant());
                json.WriteString("owner", reader.GetString(3));
                json.WriteString("name", reader.GetString(4));
                json.WritePropertyName("data");
                json.WriteRawValue(reader.GetString(5), skipInputValidation: true);
                json.WriteString("validFrom", reader.GetFieldValue<DateOnly>(6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                if (!reader.IsDBNull(7))
                {
                    json.WriteStartObject("facts");
                    json.WriteStartObject("accreditation");
                    json.WriteString("decision", reader.GetString(7));
                    json.WriteString("decidedOn", reader.GetFieldValue<DateOnly>(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    json.WriteString("validUntil", reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    json.WriteString("decisionNumber", reader.GetString(10));
                    json.WritePropertyName("scores");
                    json.WriteRawValue(reader.GetString(11), skipInputValidation: true);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndObject();
                await json.FlushAsync(http.RequestAborted);
                await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
            });

            app.MapGet("/search", async (HttpContext http) =>
            {
                // The same parsing as the service (words, filters, sort), without its HTTP binding and problem documents.
                var query = http.Request.Query;
                var errors = new List<Problems.FieldError>();
                var request = SearchRequest.Parse(new SearchQuery
                {
                    Q = query["q"].FirstOrDefault(),
                    Kind = query["kind"].OfType<string>().ToArray(),
                    Status = query["status"].OfType<string>().ToArray(),
                    Cycle = query["cycle"].OfType<string>().ToArray(),
                    LtksLevel = query["ltksLevel"].OfType<string>().ToArray(),
                    EqfLevel = query["eqfLevel"].OfType<string>().ToArray(),
                    StudyType = query["studyType"].OfType<string>().ToArray(),
                    Language = query["language"].OfType<string>().ToArray(),
                    Sort = query["sort"].FirstOrDefault(),
                    Facets = query["facets"].OfType<string>().ToArray(),
                    Limit = query["limit"].FirstOrDefault() is { } limit ? int.Parse(limit, CultureInfo.InvariantCulture) : null,
                }, programmes, await classifiers.GetAsync(http.RequestAborted), errors);
                if (errors.Count > 0)
                {
                    http.Response.StatusCode = 400;
                    return;
                }

                var found = await search.SearchAsync("programme", request, SearchVisibility.For(caller), http.RequestAborted);
                await using var command = dataSource.CreateCommand(
                    "SELECT r.id, r.code, r.status, r.owner, r.name_lt, coalesce(v.content, r.working) FROM unnest($1::uuid[]) WITH ORDINALITY AS p(id, n) " +
                    "JOIN register_records r ON r.id = p.id LEFT JOIN record_versions v ON v.record_id = r.id AND v.version = r.current_version ORDER BY p.n");
                command.Parameters.Add(new NpgsqlParameter { Value = found.Ids.ToArray() });
                http.Response.ContentType = "application/json";
                var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
                await using var json = new Utf8JsonWriter(buffer);
                json.WriteStartObject();
                json.WriteStartArray("items");
                await using (var reader = await command.ExecuteReaderAsync(http.RequestAborted))
                {
                    while (await reader.ReadAsync(http.RequestAborted))
                    {
                        json.WriteStartObject();
                        json.WriteString("id", reader.GetGuid(0));
                        json.WriteString("code", reader.IsDBNull(1) ? null : reader.GetString(1));
                        json.WriteString("status", reader.GetString(2).ToLowerInvariant());
                        json.WriteString("owner", reader.GetString(3));
                        json.WriteString("name", reader.GetString(4));
                        json.WritePropertyName("data");
                        json.WriteRawValue(reader.GetString(5), skipInputValidation: true);
                        json.WriteEndObject();
                    }
                }

                json.WriteEndArray();
                if (found.NextCursor is { } next)
                {
                    json.WriteString("next", next);
                }

                if (found.Facets is { } facets)
                {
                    json.WritePropertyName("facets");
                    JsonSerializer.Serialize(json, facets);
                }

                json.WriteEndObject();
                await json.FlushAsync(http.RequestAborted);
                await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
            });

            await app.StartAsync();
            baseline._app = app;
            return baseline;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            await _dataSource.DisposeAsync();
        }
    }
}

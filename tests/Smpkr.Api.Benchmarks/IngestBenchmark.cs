using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Smpkr.Api.Benchmarks;

/// <summary>
/// Batch ingest of N programme drafts through <c>POST /api/v1/batches</c> (each line validated,
/// audited, in chunked transactions), next to a baseline: the same record and audit rows written
/// with binary <c>COPY</c> into an identical database in the same run.
/// </summary>
internal static class IngestBenchmark
{
    private const string Provider = "111950243";
    private const double TargetPerSecond = 2000;

    public static async Task<int> RunAsync(string[] args)
    {
        var records = ArgValue(args, "--records", 10000);
        var write = !args.Contains("--no-write");
        Console.WriteLine($"Batch ingest benchmark: {records} programme drafts");
        await using var host = await BenchmarkHost.StartAsync();
        var lines = Enumerable.Range(1, records).Select(Line).ToList();
        var client = host.Client("provider", Provider);

        // Warm-up with the whole load once in each mode: the first pass pays for JIT tiering, GC heap
        // growth and the tables' first pages, which a steady register does not.
        var coldStreamed = await PostAsync(client, lines, atomic: false);
        var coldAtomic = await PostAsync(client, lines, atomic: true);

        var streamed = await PostAsync(client, lines, atomic: false);
        var atomic = await PostAsync(client, lines, atomic: true);
        var copy = await CopyBaselineAsync(host, lines);

        var rows = new[]
        {
            ("batch, per-line outcome (chunks of 200), first pass after start", coldStreamed),
            ("batch, atomic (one transaction), first pass after start", coldAtomic),
            ("batch, per-line outcome (chunks of 200), warm", streamed),
            ("batch, atomic (one transaction), warm", atomic),
            ("baseline: binary COPY of the same rows", copy),
        };
        var table = new StringBuilder();
        table.AppendLine("| workload | records | seconds | records/s | vs COPY |");
        table.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (name, seconds) in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {records} | {seconds:F2} | {records / seconds:F0} | {copy / seconds:F2}× |");
        }

        var verdict = (records / streamed >= TargetPerSecond
            ? $"Target ≥ {TargetPerSecond:F0} records/s (warm, per-line outcome): met ({records / streamed:F0}/s)."
            : $"Target ≥ {TargetPerSecond:F0} records/s (warm, per-line outcome): NOT met ({records / streamed:F0}/s).")
            + (records / coldStreamed >= TargetPerSecond ? string.Empty : $" The first pass after start ran at {records / coldStreamed:F0}/s.");
        Console.WriteLine();
        Console.Write(table);
        Console.WriteLine(verdict);
        if (write)
        {
            await Report.WriteSectionAsync("ingest", "Batch ingest (programme drafts)",
                $"Command: `dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- ingest --records {records}`\n\n{Report.Machine()}\n\n{table}\n{verdict}\n");
        }

        return 0;
    }

    private static async Task<double> PostAsync(HttpClient client, List<string> lines, bool atomic)
    {
        var body = string.Join('\n', lines) + "\n";
        var watch = Stopwatch.StartNew();
        var response = await client.PostAsync("/api/v1/batches" + (atomic ? "?atomic=true" : ""),
            new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        var text = await response.Content.ReadAsStringAsync();
        watch.Stop();
        var summary = JsonNode.Parse(text.TrimEnd('\n')[(text.TrimEnd('\n').LastIndexOf('\n') + 1)..])!["summary"]!;
        if (summary["succeeded"]!.GetValue<int>() != lines.Count)
        {
            throw new InvalidOperationException($"The batch did not ingest every line: {summary.ToJsonString()}\n{text[..Math.Min(2000, text.Length)]}");
        }

        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> CopyBaselineAsync(BenchmarkHost host, List<string> lines)
    {
        var connectionString = await host.CreateDatabaseAsync("smpkr_copy");
        var bodies = lines.Select(l => JsonNode.Parse(l)!["body"]!.ToJsonString()).ToList();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var now = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var ids = new List<Guid>(bodies.Count);
            await using (var importer = await connection.BeginBinaryImportAsync(
                "COPY register_records (id, object_type, kind, status, revision, owner, co_providers, working, name_lt, name_en, created_at, updated_at) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var body in bodies)
                {
                    var id = Guid.CreateVersion7();
                    ids.Add(id);
                    var name = JsonNode.Parse(body)!["name"]!;
                    await importer.StartRowAsync();
                    await importer.WriteAsync(id, NpgsqlDbType.Uuid);
                    await importer.WriteAsync("programme", NpgsqlDbType.Text);
                    await importer.WriteAsync("study", NpgsqlDbType.Text);
                    await importer.WriteAsync("Draft", NpgsqlDbType.Text);
                    await importer.WriteAsync(1, NpgsqlDbType.Integer);
                    await importer.WriteAsync(Provider, NpgsqlDbType.Text);
                    await importer.WriteAsync(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                    await importer.WriteAsync(body, NpgsqlDbType.Jsonb);
                    await importer.WriteAsync(name["lt"]!.GetValue<string>(), NpgsqlDbType.Text);
                    await importer.WriteAsync(name["en"]?.GetValue<string>(), NpgsqlDbType.Text);
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                }

                await importer.CompleteAsync();
            }

            await using (var importer = await connection.BeginBinaryImportAsync(
                "COPY audit_entries (at, actor_subject, actor_role, actor_provider, action, object_type, record_id, owner, revision, changes, request_id) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync("benchmark", NpgsqlDbType.Text);
                    await importer.WriteAsync("provider", NpgsqlDbType.Text);
                    await importer.WriteAsync(Provider, NpgsqlDbType.Text);
                    await importer.WriteAsync("create", NpgsqlDbType.Text);
                    await importer.WriteAsync("programme", NpgsqlDbType.Text);
                    await importer.WriteAsync(ids[i], NpgsqlDbType.Uuid);
                    await importer.WriteAsync(Provider, NpgsqlDbType.Text);
                    await importer.WriteAsync(1, NpgsqlDbType.Integer);
                    await importer.WriteAsync(bodies[i], NpgsqlDbType.Jsonb);
                    await importer.WriteAsync("copy", NpgsqlDbType.Text);
                }

                await importer.CompleteAsync();
            }

            await transaction.CommitAsync();
        }

        return watch.Elapsed.TotalSeconds;
    }

    private static string Line(int i)
    {
        string[] fields = ["B01", "B02", "B03", "B04"];
        var field = fields[i % fields.Length];
        var body = new JsonObject
        {
            ["kind"] = "study",
            ["name"] = new JsonObject { ["lt"] = $"Informatikos programa nr. {i}", ["en"] = $"Informatics programme no. {i}" },
            ["summary"] = new JsonObject { ["general"] = new JsonObject { ["lt"] = "Programa rengia informatikos specialistus, gebančius kurti programų sistemas." } },
            ["iscedF"] = new JsonArray("0613"),
            ["iscedLevel"] = "645",
            ["languages"] = new JsonArray("lt", "en"),
            ["studyType"] = "university",
            ["cycle"] = "first",
            ["fieldGroup"] = "B",
            ["studyField"] = field,
            ["ltksLevel"] = "VI",
            ["eqfLevel"] = 6,
            ["credits"] = 240,
            ["forms"] = new JsonArray(new JsonObject { ["form"] = "full-time", ["duration"] = new JsonObject { ["value"] = 4, ["unit"] = "years" } }),
            ["award"] = new JsonObject { ["lt"] = "Informatikos mokslų bakalauras" },
        };
        return new JsonObject { ["op"] = "create", ["resource"] = "programmes", ["body"] = body }.ToJsonString();
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Smpkr.Api.Hosting.DevServices;
using Smpkr.Api.SampleData;

namespace Smpkr.Api.Tests.Deploy;

/// <summary>
/// <c>deploy/backup/backup.sh</c> and <c>restore.sh</c> on a populated register: the copy has every
/// row of every table, and the service started on the copy answers as it did on the original.
/// </summary>
public sealed class BackupRestoreTests : ApiTest
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smpkr-backup-").FullName;
    private readonly string _copy = "smpkr_copy_" + Guid.NewGuid().ToString("N")[..8];
    private string _archive = string.Empty;
    private string _backupOutput = string.Empty;
    private string _restoreOutput = string.Empty;
    private SmpkrApp _restored = null!;

    [OneTimeSetUp]
    public async Task BackUpAndRestore()
    {
        var (objects, _) = await SampleRegister.LoadAsync(App.Services, CancellationToken.None);
        Assert.That(objects, Is.GreaterThan(100), "a populated register");

        _archive = Path.Combine(_folder, "smpkr.dump");
        var backup = await RunAsync("backup.sh", [_archive], ConnectionString);
        _backupOutput = backup.Output;
        Assert.That(backup.ExitCode, Is.EqualTo(0), backup.Output);

        var restore = await RunAsync("restore.sh", [_archive, _copy], ConnectionString);
        _restoreOutput = restore.Output;
        Assert.That(restore.ExitCode, Is.EqualTo(0), restore.Output);
        _restored = new SmpkrApp(TestDatabase.ConnectionStringFor(_copy));
    }

    [OneTimeTearDown]
    public async Task DropTheCopy()
    {
        await _restored.DisposeAsync();
        await TestDatabase.DropDatabaseAsync(TestDatabase.ConnectionStringFor(_copy));
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public void The_backup_is_a_checked_custom_format_archive()
    {
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(_archive)[..5], Is.EqualTo("PGDMP"u8.ToArray()), "pg_dump's custom format");
            Assert.That(File.ReadAllText(_archive + ".sha256"), Does.Contain("smpkr.dump"));
            Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "smpkr.dump", "smpkr.dump.sha256" }));
            Assert.That(_backupOutput, Does.Contain("backup:"));
            Assert.That(_restoreOutput, Does.Contain("restore:"));
        });
    }

    [Test]
    public async Task The_copy_has_every_row_of_every_table()
    {
        var original = await RowCountsAsync(ConnectionString);
        var copy = await RowCountsAsync(TestDatabase.ConnectionStringFor(_copy));

        Assert.That(original["register_records"], Is.GreaterThan(100));
        Assert.That(original["audit_entries"], Is.GreaterThan(100));
        Assert.That(original["record_versions"], Is.GreaterThan(50));
        Assert.That(copy, Is.EquivalentTo(original));
    }

    [Test]
    public async Task The_service_on_the_copy_answers_as_on_the_original()
    {
        var ready = await _restored.ClientWith(null).GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ready.Content.ReadAsStringAsync());

        var before = App.ClientWith(TestTokens.Registrar());
        var after = _restored.ClientWith(TestTokens.Registrar());
        var page = await GetAsync(before, "/api/v1/programmes?limit=500");
        Assert.That(await GetAsync(after, "/api/v1/programmes?limit=500"), Is.EqualTo(page));

        var items = JsonNode.Parse(page)!["items"]!.AsArray();
        var registered = items.Where(i => (string?)i!["status"] == "registered").Take(3).Select(i => (string)i!["id"]!).ToList();
        Assert.That(registered, Has.Count.EqualTo(3));
        foreach (var id in registered)
        {
            foreach (var path in new[] { $"/api/v1/programmes/{id}", $"/api/v1/programmes/{id}/versions", $"/api/v1/programmes/{id}/audit" })
            {
                Assert.That(await GetAsync(after, path), Is.EqualTo(await GetAsync(before, path)), path);
            }
        }

        Assert.That(await GetAsync(after, "/api/v1/audit?limit=100"), Is.EqualTo(await GetAsync(before, "/api/v1/audit?limit=100")));

        // The open data: the same feed head and counts, the same changes.
        var status = await GetAsync(App.ClientWith(null), "/open/v1/status");
        Assert.That((string?)JsonNode.Parse(status)!["head"], Is.Not.Null.And.Not.EqualTo("0"), status);
        Assert.That(await GetAsync(_restored.ClientWith(null), "/open/v1/status"), Is.EqualTo(status));
        Assert.That(await GetAsync(_restored.ClientWith(null), "/open/v1/changes?limit=1000"), Is.EqualTo(await GetAsync(App.ClientWith(null), "/open/v1/changes?limit=1000")));

        // And it takes new writes: the identity sequences were restored with the rows.
        var owner = new Programmes.ProgrammeClient(_restored.ClientWith(TestTokens.Provider(TestTokens.ProviderCode)));
        var draft = await owner.CreateAsync(Programmes.Samples.Study());
        var audit = await GetAsync(_restored.ClientWith(TestTokens.Registrar()), $"/api/v1/programmes/{draft["id"]}/audit");

        Assert.That(JsonNode.Parse(audit)!["items"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_restore_never_writes_over_an_existing_database()
    {
        var again = await RunAsync("restore.sh", [_archive, _copy], ConnectionString);

        Assert.That(again.ExitCode, Is.Not.EqualTo(0));
        Assert.That(again.Output, Does.Contain($"database {_copy} exists"));
    }

    [Test]
    public async Task A_failed_backup_leaves_no_archive()
    {
        var missing = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "smpkr_missing_" + Guid.NewGuid().ToString("N")[..6] }.ConnectionString;
        var failed = await RunAsync("backup.sh", [Path.Combine(_folder, "failed.dump")], missing);

        Assert.That(failed.ExitCode, Is.Not.EqualTo(0));
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Has.None.StartsWith("failed"));
    }

    private static async Task<string> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{path}: {body}");
        return body;
    }

    private static async Task<Dictionary<string, long>> RowCountsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }

        return counts;
    }

    /// <summary>Runs a script of deploy/backup/ with the libpq environment of <paramref name="connectionString"/>.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string script, string[] args, string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add(Path.Combine(Manifests.DeployFolder, "backup", script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PGHOST"] = database.Host;
        start.Environment["PGPORT"] = database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = database.Username;
        start.Environment["PGPASSWORD"] = database.Password;
        start.Environment["PGDATABASE"] = database.Database;
        if (PostgresBinaries.Find() is { } binaries)
        {
            start.Environment["PG_BIN"] = binaries.BinDirectory;
        }

        return await Processes.RunAsync(start, TimeSpan.FromMinutes(3));
    }
}

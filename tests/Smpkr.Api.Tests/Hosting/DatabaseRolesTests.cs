using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Data;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Hosting;

/// <summary>
/// The production role story on a real database: <c>deploy/database/roles.sql</c> creates the roles,
/// <c>Smpkr.Api migrate</c> (the real command, as a process) migrates as the owner and grants the
/// application role its rights; the service then works as that role, which can append to the audit
/// trail and the registered versions but neither rewrite them nor change the schema.
/// </summary>
[NonParallelizable]
public sealed class DatabaseRolesTests
{
    private readonly string _ownerPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private readonly string _appPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private readonly string _database = "smpkr_roles_" + Guid.NewGuid().ToString("N")[..8];
    private string _migrateOutput = string.Empty;

    private string Owner => As("smpkr_owner", _ownerPassword);

    private string App => As("smpkr_app", _appPassword);

    [OneTimeSetUp]
    public async Task CreateRolesAndMigrate()
    {
        await ExecuteAsync(TestDatabase.ServerConnectionString, await File.ReadAllTextAsync(DeployFile("database", "roles.sql")));
        await ExecuteAsync(TestDatabase.ServerConnectionString, $"""
            ALTER ROLE smpkr_owner PASSWORD '{_ownerPassword}';
            ALTER ROLE smpkr_app PASSWORD '{_appPassword}';
            """);
        await ExecuteAsync(TestDatabase.ServerConnectionString, $"CREATE DATABASE {_database} OWNER smpkr_owner");

        var (exitCode, output) = await RunServiceAsync(MigrateCommandArgs, new() { ["ConnectionStrings__Smpkr"] = Owner });
        _migrateOutput = output;
        Assert.That(exitCode, Is.EqualTo(0), output);
    }

    [OneTimeTearDown]
    public async Task DropDatabaseAndRoles()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(TestDatabase.ServerConnectionString, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        await ExecuteAsync(TestDatabase.ServerConnectionString, "DROP ROLE IF EXISTS smpkr_app; DROP ROLE IF EXISTS smpkr_owner;");
    }

    private static string[] MigrateCommandArgs => ["migrate"];

    [Test]
    public async Task The_migrate_command_applies_every_migration_as_the_owner()
    {
        var options = new DbContextOptionsBuilder<SmpkrDbContext>();
        await using var dataSource = NpgsqlDataSource.Create(Owner);
        SmpkrDbContext.Configure(options, dataSource);
        await using var db = new SmpkrDbContext(options.Options);

        Assert.Multiple(async () =>
        {
            Assert.That(await db.Database.GetPendingMigrationsAsync(), Is.Empty);
            Assert.That(await ScalarAsync<string>(Owner, "SELECT tableowner FROM pg_tables WHERE tablename = 'register_records'"), Is.EqualTo("smpkr_owner"));
            Assert.That(await ScalarAsync<long>(Owner, "SELECT count(*) FROM classifier_items"), Is.GreaterThan(0), "seed data loaded");
            Assert.That(_migrateOutput, Does.Contain("Migrated"));
        });
    }

    [Test]
    public void In_production_the_log_is_one_json_object_a_line()
    {
        var lines = _migrateOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines, Is.Not.Empty);
        foreach (var line in lines)
        {
            var entry = JsonNode.Parse(line)!.AsObject();
            Assert.That(entry.Select(p => p.Key), Is.SupersetOf(new[] { "Timestamp", "LogLevel", "Category", "Message", "Scopes" }), line);
        }

        Assert.That(lines.Select(l => (string?)JsonNode.Parse(l)!["Category"]), Does.Contain("Smpkr.Api.Hosting.MigrateCommand"));
    }

    [Test]
    public async Task The_migrate_command_fails_when_the_database_is_unreachable()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(Owner) { Host = "127.0.0.1", Port = 1, Timeout = 2 }.ConnectionString;

        var (exitCode, output) = await RunServiceAsync(MigrateCommandArgs, new() { ["ConnectionStrings__Smpkr"] = unreachable });

        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["Message"]?.ToString()),
            Does.Contain("Migration failed; run the migrate step again once the cause is fixed"), output);
    }

    [Test]
    public async Task The_service_registers_a_programme_as_the_application_role()
    {
        await using var app = new SmpkrApp(App);
        var ready = await app.ClientWith(null).GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ready.Content.ReadAsStringAsync());

        var owner = new ProgrammeClient(app.ClientWith(TestTokens.Provider(TestTokens.ProviderCode)));
        var registrar = new ProgrammeClient(app.ClientWith(TestTokens.Registrar()));
        var submitted = await owner.TransitionOkAsync(await owner.CreateAsync(Samples.Study()), "submit");
        var registered = await registrar.TransitionOkAsync(submitted, "approve", new JsonObject { ["validFrom"] = "2025-09-01" });

        var audit = await registrar.Http.GetFromJsonAsync<JsonObject>($"/api/v1/programmes/{registered["id"]}/audit");
        var published = await app.ClientWith(null).GetAsync($"/open/v1/programmes/{registered["code"]}");
        Assert.Multiple(() =>
        {
            Assert.That(registered["status"]!.GetValue<string>(), Is.EqualTo("registered"));
            Assert.That(audit!["items"]!.AsArray(), Has.Count.EqualTo(3));
            Assert.That(published.StatusCode, Is.EqualTo(HttpStatusCode.OK), "published through the change feed as the application role");
        });
    }

    [TestCase("UPDATE audit_entries SET comment = comment WHERE false")]
    [TestCase("DELETE FROM audit_entries WHERE false")]
    [TestCase("TRUNCATE audit_entries")]
    [TestCase("UPDATE record_versions SET content = content WHERE false")]
    [TestCase("DELETE FROM record_versions WHERE false")]
    [TestCase("TRUNCATE record_versions")]
    [TestCase("UPDATE feed_entries SET op = op WHERE false")]
    [TestCase("DELETE FROM feed_entries WHERE false")]
    [TestCase("TRUNCATE feed_entries")]
    [TestCase("TRUNCATE register_records CASCADE")]
    [TestCase("INSERT INTO \"__EFMigrationsHistory\" VALUES ('x', 'y')")]
    [TestCase("CREATE TABLE intruder (id int)")]
    [TestCase("ALTER TABLE register_records ADD COLUMN intruder int")]
    [TestCase("DROP TABLE accreditations")]
    [TestCase("DROP TRIGGER audit_entries_append_only ON audit_entries")]
    public void The_application_role_is_refused(string sql)
    {
        // WHERE false: no row reaches the append-only triggers, so a refusal here comes from the privileges alone.
        var refused = Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(App, sql));
        Assert.Multiple(() =>
        {
            Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(refused.MessageText, Does.StartWith("permission denied").Or.StartWith("must be owner"));
        });
    }

    [TestCase("UPDATE audit_entries SET comment = comment WHERE false")]
    [TestCase("DELETE FROM record_versions WHERE false")]
    public async Task The_owner_may_run_what_the_application_role_may_not(string sql) =>
        await ExecuteAsync(Owner, sql);

    [Test]
    public async Task The_application_role_reads_and_appends()
    {
        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync<long>(App, "SELECT count(*) FROM audit_entries"), Is.GreaterThanOrEqualTo(0));
            Assert.That(await ScalarAsync<long>(App, "SELECT count(*) FROM \"__EFMigrationsHistory\""), Is.GreaterThan(0));
            Assert.That(await ScalarAsync<bool>(App, "SELECT has_table_privilege('audit_entries', 'INSERT')"), Is.True);
            Assert.That(await ScalarAsync<bool>(App, "SELECT has_table_privilege('record_versions', 'INSERT')"), Is.True);
            Assert.That(await ScalarAsync<bool>(App, "SELECT has_table_privilege('feed_entries', 'INSERT')"), Is.True);
            Assert.That(await ScalarAsync<bool>(App, "SELECT has_table_privilege('register_records', 'UPDATE')"), Is.True);
        });
    }

    /// <summary>Runs the built service (<c>dotnet Smpkr.Api.dll …</c>) in Production and returns its exit code and output.</summary>
    internal static async Task<(int ExitCode, string Output)> RunServiceAsync(string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Smpkr.Api.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return await Processes.RunAsync(start, TimeSpan.FromMinutes(2));
    }

    internal static string DeployFile(params string[] parts) =>
        Path.Combine([OpenApiDocumentTests.RepositoryRoot(), "deploy", .. parts]);

    private string As(string role, string password) =>
        new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionStringFor(_database)) { Username = role, Password = password, Pooling = false }.ConnectionString;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

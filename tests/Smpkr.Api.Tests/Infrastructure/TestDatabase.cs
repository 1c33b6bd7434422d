using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Data;
using Smpkr.Api.Hosting.DevServices;

namespace Smpkr.Api.Tests;

/// <summary>
/// One PostgreSQL server for the whole run, found the way the run command finds one:
/// <c>SMPKR_TEST_CONNECTION_STRING</c> (a server the tests may create databases on) first, else a
/// Docker engine, else a throwaway local cluster. Migrations and seed data are applied once to a
/// template database; each test class gets its own copy of it.
/// </summary>
[SetUpFixture]
public sealed class TestDatabase
{
    private static IProvisionedPostgres? _provisioned;
    private static string _serverConnectionString = string.Empty;
    private static readonly string TemplateName = "smpkr_template_" + Guid.NewGuid().ToString("N")[..8];

    public static string ServerConnectionString => _serverConnectionString;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        var configured = Environment.GetEnvironmentVariable("SMPKR_TEST_CONNECTION_STRING");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _serverConnectionString = configured;
        }
        else
        {
            _provisioned = await PostgresProvisioner.ProvisionAsync(null, TestContext.Progress.WriteLine, CancellationToken.None);
            _serverConnectionString = _provisioned.ServerConnectionString;
        }

        await ExecuteAsync($"CREATE DATABASE {TemplateName}");
        var templateConnectionString = ConnectionStringFor(TemplateName);
        await using (var dataSource = NpgsqlDataSource.Create(templateConnectionString))
        {
            var options = new DbContextOptionsBuilder<SmpkrDbContext>();
            SmpkrDbContext.Configure(options, dataSource);
            await using var db = new SmpkrDbContext(options.Options);
            await DataSetup.MigrateAndSeedAsync(db, TimeProvider.System, CancellationToken.None);
        }

        // A template must have no open sessions when it is copied.
        NpgsqlConnection.ClearAllPools();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        NpgsqlConnection.ClearAllPools();
        if (_provisioned is not null)
        {
            await _provisioned.DisposeAsync();
        }
        else
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS {TemplateName} WITH (FORCE)");
        }
    }

    /// <summary>A fresh database with every migration and the seed data, for one test class.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "smpkr_t_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {TemplateName}");
        return ConnectionStringFor(name);
    }

    /// <summary>A database with nothing in it (no migrations), for tests of what happens before migrating.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = "smpkr_e_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionStringFor(name);
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = database }.ConnectionString;

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

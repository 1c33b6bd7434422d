using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;

namespace Smpkr.Api.Hosting.DevServices;

/// <summary>
/// A PostgreSQL cluster made with the machine's own server binaries, listening on 127.0.0.1 on a
/// port of its own (no Unix socket), password-protected. Persistent clusters keep data and port
/// in a folder between runs; throwaway ones (tests) run with fsync off and are deleted on dispose.
/// </summary>
internal sealed class LocalPostgresCluster : IProvisionedPostgres
{
    private const string SettingsFile = "cluster.json";

    private readonly PostgresBinaries _binaries;
    private readonly string _dataDirectory;
    private readonly string? _deleteOnDispose;
    private readonly bool _startedHere;

    private LocalPostgresCluster(PostgresBinaries binaries, string dataDirectory, ClusterSettings settings, bool startedHere, string? deleteOnDispose)
    {
        _binaries = binaries;
        _dataDirectory = dataDirectory;
        _startedHere = startedHere;
        _deleteOnDispose = deleteOnDispose;
        ServerConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = settings.Port,
            Username = "postgres",
            Password = settings.Password,
            Database = "postgres",
        }.ConnectionString;
        Description = $"local PostgreSQL cluster in {dataDirectory} on port {settings.Port}";
    }

    public string ServerConnectionString { get; }

    public string Description { get; }

    public static async Task<LocalPostgresCluster> StartPersistentAsync(
        PostgresBinaries binaries, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var dataDirectory = Path.Combine(folder, "data");
        var settingsPath = Path.Combine(folder, SettingsFile);
        ClusterSettings settings;
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")) && File.Exists(settingsPath))
        {
            settings = JsonSerializer.Deserialize<ClusterSettings>(await File.ReadAllTextAsync(settingsPath, cancellationToken))!;
        }
        else
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            settings = new ClusterSettings(PostgresProvisioner.FreePort(), NewPassword());
            await InitAsync(binaries, folder, dataDirectory, settings, durable: true, cancellationToken);
            await File.WriteAllTextAsync(settingsPath, JsonSerializer.Serialize(settings), cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(settingsPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var running = await IsRunningAsync(binaries, dataDirectory, cancellationToken);
        if (!running)
        {
            await StartAsync(binaries, folder, dataDirectory, cancellationToken);
        }

        return new LocalPostgresCluster(binaries, dataDirectory, settings, startedHere: !running, deleteOnDispose: null);
    }

    public static async Task<LocalPostgresCluster> StartThrowawayAsync(PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "smpkr-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var dataDirectory = Path.Combine(folder, "data");
        var settings = new ClusterSettings(PostgresProvisioner.FreePort(), NewPassword());
        await InitAsync(binaries, folder, dataDirectory, settings, durable: false, cancellationToken);
        await StartAsync(binaries, folder, dataDirectory, cancellationToken);
        return new LocalPostgresCluster(binaries, dataDirectory, settings, startedHere: true, deleteOnDispose: folder);
    }

    public async ValueTask DisposeAsync()
    {
        if (_startedHere)
        {
            NpgsqlConnection.ClearAllPools();
            await _binaries.RunAsync("pg_ctl", ["stop", "-D", _dataDirectory, "-m", "fast", "-w"], CancellationToken.None);
        }

        if (_deleteOnDispose is not null)
        {
            Directory.Delete(_deleteOnDispose, recursive: true);
        }
    }

    private static async Task InitAsync(
        PostgresBinaries binaries, string folder, string dataDirectory, ClusterSettings settings, bool durable, CancellationToken cancellationToken)
    {
        // The server user must be able to reach the folder; the password file is removed right after use.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        }
        var passwordFile = Path.Combine(folder, "initdb.pw");
        await File.WriteAllTextAsync(passwordFile, settings.Password, cancellationToken);
        Directory.CreateDirectory(dataDirectory);
        await PostgresBinaries.GiveToServerUserAsync(folder, cancellationToken);
        try
        {
            await binaries.RunAsync("initdb",
            [
                "-D", dataDirectory, "-U", "postgres", "--pwfile", passwordFile,
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
                .. durable ? Array.Empty<string>() : ["--no-sync"],
            ], cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        var conf = new List<string>
        {
            "# Written by Smpkr.Api dev services",
            $"port = {settings.Port}",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 300",
            // The memory settings of the deployed cluster (deploy/k8s/base/postgres-cluster.yaml), so that
            // benchmarks measure the database as it runs in production rather than with PostgreSQL's defaults.
            "shared_buffers = 1GB",
            "effective_cache_size = 3GB",
            "work_mem = 16MB",
            "maintenance_work_mem = 256MB",
            // Shared memory in 2 MiB pages when the machine has them reserved (vm.nr_hugepages), else 4 kB
            // pages: with 4 kB pages, feed pages of the 1 000 000 lab register came at half the rate (docs/benchmarks.md).
            "huge_pages = try",
        };
        if (!durable)
        {
            conf.AddRange(["fsync = off", "synchronous_commit = off", "full_page_writes = off"]);
        }

        await File.AppendAllLinesAsync(Path.Combine(dataDirectory, "postgresql.conf"), conf, cancellationToken);
    }

    private static async Task StartAsync(PostgresBinaries binaries, string folder, string dataDirectory, CancellationToken cancellationToken)
    {
        var log = Path.Combine(folder, "server.log");
        await PostgresBinaries.GiveToServerUserAsync(folder, cancellationToken);
        try
        {
            await binaries.RunAsync("pg_ctl", ["start", "-D", dataDirectory, "-l", log, "-w", "-t", "60"], cancellationToken);
        }
        catch (DevServicesException e)
        {
            var tail = File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(5)) : string.Empty;
            throw new DevServicesException($"{e.Message}{Environment.NewLine}{tail}");
        }
    }

    private static async Task<bool> IsRunningAsync(PostgresBinaries binaries, string dataDirectory, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            return false;
        }

        var status = await binaries.RunAsync("pg_ctl", ["status", "-D", dataDirectory], cancellationToken, check: false);
        return status.Contains("server is running", StringComparison.Ordinal);
    }

    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));

    private sealed record ClusterSettings(int Port, string Password);
}

using System.Net;
using System.Net.Sockets;
using Testcontainers.PostgreSql;

namespace Smpkr.Api.Hosting.DevServices;

/// <summary>A PostgreSQL server this process provisioned, to be stopped when the process is done with it.</summary>
public interface IProvisionedPostgres : IAsyncDisposable
{
    /// <summary>Connection string to the server's <c>postgres</c> database as a superuser.</summary>
    string ServerConnectionString { get; }

    /// <summary>Where it came from, for the one line the run command prints.</summary>
    string Description { get; }
}

/// <summary>
/// Finds PostgreSQL for the run command and for the tests, in one order: a Docker engine if one
/// answers, else the local server binaries (installing Debian's package first when root), else a
/// clear message saying what to install. A persistent cluster keeps its data between runs; a
/// throwaway one is deleted when disposed.
/// </summary>
public static class PostgresProvisioner
{
    /// <summary>Pinned so every machine tests against the same server.</summary>
    public const string DockerImage = "postgres:15.14-bookworm";

    public static async Task<IProvisionedPostgres> ProvisionAsync(
        string? persistentDirectory, Action<string> say, CancellationToken cancellationToken)
    {
        if (DockerEngineAnswers())
        {
            say("Docker engine found: starting PostgreSQL in a container.");
            return await DockerPostgres.StartAsync(persistentDirectory, cancellationToken);
        }

        var binaries = await PostgresBinaries.FindOrInstallAsync(say, cancellationToken);
        return persistentDirectory is null
            ? await LocalPostgresCluster.StartThrowawayAsync(binaries, cancellationToken)
            : await LocalPostgresCluster.StartPersistentAsync(binaries, persistentDirectory, cancellationToken);
    }

    /// <summary>Cheap probe first (socket or DOCKER_HOST), the Docker API only when that says there may be an engine.</summary>
    private static bool DockerEngineAnswers()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrEmpty(host) && !File.Exists("/var/run/docker.sock"))
        {
            return false;
        }

        try
        {
            return DotNet.Testcontainers.Configurations.TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or HttpRequestException or TypeInitializationException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class DockerPostgres(PostgreSqlContainer container) : IProvisionedPostgres
    {
        public string ServerConnectionString => container.GetConnectionString();

        public string Description => $"PostgreSQL container {DockerImage}";

        public static async Task<IProvisionedPostgres> StartAsync(string? persistentDirectory, CancellationToken cancellationToken)
        {
            var builder = new PostgreSqlBuilder(DockerImage)
                .WithDatabase("postgres")
                .WithUsername("postgres")
                .WithPassword("smpkr-dev")
                .WithCommand("-c", "fsync=" + (persistentDirectory is null ? "off" : "on"));
            if (persistentDirectory is not null)
            {
                // A named volume keeps the data when the container is removed at Ctrl-C.
                builder = builder.WithVolumeMount("smpkr-dev-pgdata", "/var/lib/postgresql/data");
            }

            var container = builder.Build();
            await container.StartAsync(cancellationToken);
            return new DockerPostgres(container);
        }

        public ValueTask DisposeAsync() => container.DisposeAsync();
    }
}

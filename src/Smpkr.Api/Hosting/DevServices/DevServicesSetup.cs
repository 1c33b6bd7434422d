using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;
using Smpkr.Api.Data;

namespace Smpkr.Api.Hosting.DevServices;

/// <summary>
/// The run command's embedded default: in Development, with no connection string configured, the
/// service provisions PostgreSQL itself (see <see cref="PostgresProvisioner"/>), keeps its data in
/// the git-ignored <c>.dev/</c> folder at the repository root, and stops it again at Ctrl-C.
/// With a connection string configured, or outside Development, nothing here happens.
/// </summary>
internal static class DevServicesSetup
{
    public const string DatabaseName = "smpkr";

    public static void AddDevServices(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment()
            || !builder.Configuration.GetValue("DevServices:Enabled", true)
            || !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(DataSetup.ConnectionStringName)))
        {
            return;
        }

        var folder = builder.Configuration["DevServices:Folder"]
            ?? Path.Combine(RepositoryRoot(builder.Environment.ContentRootPath), ".dev", "postgres");
        IProvisionedPostgres postgres;
        try
        {
            postgres = PostgresProvisioner.ProvisionAsync(folder, Say, CancellationToken.None).GetAwaiter().GetResult();
            EnsureDatabaseAsync(postgres.ServerConnectionString).GetAwaiter().GetResult();
        }
        catch (DevServicesException e)
        {
            Console.Error.WriteLine($"smpkr: {e.Message}");
            Environment.Exit(1);
            return;
        }

        Say($"Dev services: {postgres.Description}, database '{DatabaseName}'.");

        // Stopped however the process ends: after start-up by the host's graceful shutdown, before it
        // (migrating, loading the sample) by these signal handlers, which then let the process end.
        var stop = new StopOnce(postgres);
        stop.Signals.AddRange(new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(signal => PosixSignalRegistration.Create(signal, _ =>
        {
            if (!stop.HostStarted)
            {
                stop.RunAsync().GetAwaiter().GetResult();
            }
        })));
        builder.Configuration[$"ConnectionStrings:{DataSetup.ConnectionStringName}"] =
            new NpgsqlConnectionStringBuilder(postgres.ServerConnectionString) { Database = DatabaseName }.ConnectionString;
        builder.Services.AddHostedService(sp => new DevServicesLifetime(
            stop, sp.GetRequiredService<IServer>(), sp.GetRequiredService<IHostApplicationLifetime>()));
    }

    private static void Say(string line) => Console.WriteLine($"smpkr: {line}");

    private static async Task EnsureDatabaseAsync(string serverConnectionString)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = DatabaseName } },
        };
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync();
        }
    }

    private static string RepositoryRoot(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Smpkr.Api.sln")))
            {
                return dir.FullName;
            }
        }

        return contentRoot;
    }

    /// <summary>Prints where Swagger UI is once the server listens; stops the database it provisioned last of all.</summary>
    /// <summary>Stops the provisioned database exactly once, from whichever path gets there first.</summary>
    private sealed class StopOnce(IProvisionedPostgres postgres)
    {
        private int _stopped;

        /// <summary>Kept alive here so the handlers stay registered for the life of the process.</summary>
        public List<PosixSignalRegistration> Signals { get; } = [];

        public bool HostStarted { get; set; }

        public async Task RunAsync()
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 0)
            {
                await postgres.DisposeAsync();
                Say("Dev services: database stopped; its data stays for the next run.");
            }
        }
    }

    private sealed class DevServicesLifetime(StopOnce stop, IServer server, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() =>
            {
                stop.HostStarted = true;
                var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                foreach (var address in addresses)
                {
                    Say($"Swagger UI: {address.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal)}/swagger");
                }

                Say("Press Ctrl+C to stop the service and the database it started.");
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => stop.RunAsync();
    }
}

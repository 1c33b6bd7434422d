using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Data;
using Smpkr.Api.Publication;

namespace Smpkr.Api.Hosting;

/// <summary>
/// <c>Smpkr.Api migrate</c>: the deployment step run as the owner role before a new version's
/// replicas start. Applies the migrations and seed data (the same code the tests and
/// <c>Database:MigrateOnStartup</c> run), then <c>deploy/database/grants.sql</c> for the
/// application role, builds the change feed of records registered before it existed, and exits. Started any other way, the service serves as usual.
/// </summary>
internal static partial class MigrateCommand
{
    public const string Verb = "migrate";

    /// <summary>True when the process was started to migrate; the caller then stops instead of serving.</summary>
    public static async Task<bool> RunMigrateCommandAsync(this WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] != Verb)
        {
            return false;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand));
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SmpkrDbContext>();
            await MigrateAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>(), app.Lifetime.ApplicationStopping);
            var feedEntries = await PublicationBackfill.RunAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Lifetime.ApplicationStopping);
            var applied = (await db.Database.GetAppliedMigrationsAsync(app.Lifetime.ApplicationStopping)).ToList();
            LogMigrated(logger, applied.Count, applied.LastOrDefault() ?? "none", feedEntries);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One log entry in the log's own format, and a failed exit, so that the Job or compose retries.
            LogFailed(logger, e);
            Environment.ExitCode = 1;
        }

        return true;
    }

    /// <summary>Migrations, seed data, then the application role's grants.</summary>
    public static async Task MigrateAsync(SmpkrDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await DataSetup.MigrateAndSeedAsync(db, clock, cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(GrantsSql(), connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The text of <c>deploy/database/grants.sql</c>, embedded at build.</summary>
    public static string GrantsSql()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Deploy/grants.sql")
            ?? throw new InvalidOperationException("grants.sql is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(LogLevel.Information, "Migrated: {Count} migration(s) in the database, the last {Last}; seed data and the application role's grants applied; {FeedEntries} change feed entries built for records registered before the feed existed")]
    private static partial void LogMigrated(ILogger logger, int count, string last, long feedEntries);

    [LoggerMessage(LogLevel.Critical, "Migration failed; run the migrate step again once the cause is fixed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

using Npgsql;
using Smpkr.Api.Data;
using Smpkr.Api.Register;

namespace Smpkr.Api.Publication;

internal static class PublicationSetup
{
    public const string ReadOnlyConnectionStringName = "SmpkrReadOnly";

    /// <summary>
    /// The change log writes use, and the open-data reads. With <c>ConnectionStrings:SmpkrReadOnly</c>
    /// (a read replica), records, lists, snapshots and status are read there; the feed stays on the primary.
    /// </summary>
    public static void AddPublication(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IChangeLog, PublishedChangeLog>();
        builder.Services.AddSingleton(sp =>
        {
            // Open-data reads are a handful of fixed statements run very often: their own pools prepare them
            // on first use (server-side prepared statements), so each later call skips parsing and planning.
            var configuration = sp.GetRequiredService<IConfiguration>();
            var main = configuration.GetConnectionString(DataSetup.ConnectionStringName)!;
            var primary = Prepared(main, "smpkr-open-data");
            var replica = configuration.GetConnectionString(ReadOnlyConnectionStringName);
            var reads = string.IsNullOrWhiteSpace(replica) ? primary : Prepared(replica, "smpkr-read-only");
            var searchBuilder = new NpgsqlDataSourceBuilder(string.IsNullOrWhiteSpace(replica) ? main : replica) { Name = "smpkr-open-data-search" };
            searchBuilder.ConnectionStringBuilder.MaxAutoPrepare = 0;
            var searches = searchBuilder.Build();
            return new PublicationSources(primary, reads, searches);
        });
        builder.Services.AddSingleton<PublishedRecordCache>();
        builder.Services.AddSingleton<PublishedRecordLookups>();
        builder.Services.AddHostedService<PublishedRecordFollower>();
        builder.Services.AddSingleton<PublishedStore>();
        builder.Services.AddSingleton<HttpCaching>();
    }

    private static NpgsqlDataSource Prepared(string connectionString, string name)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = name };
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        return builder.Build();
    }

    /// <summary>Builds the feed of a register that has records but no feed yet (when this service migrates the database).</summary>
    public static async Task InitializePublicationAsync(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Database:MigrateOnStartup", app.Environment.IsDevelopment()))
        {
            return;
        }

        var entries = await PublicationBackfill.RunAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Lifetime.ApplicationStopping);
        if (entries > 0)
        {
            app.Logger.LogInformation("Built the change feed of the existing register: {Entries} entries.", entries);
        }
    }
}

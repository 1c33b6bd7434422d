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
            // Pools of their own: the feed on the primary, records on the replica when there is one (DataSetup.Build).
            var configuration = sp.GetRequiredService<IConfiguration>();
            var main = configuration.GetConnectionString(DataSetup.ConnectionStringName)!;
            var primary = DataSetup.Build(main, "smpkr-open-data", prepared: true);
            var replica = configuration.GetConnectionString(ReadOnlyConnectionStringName);
            var reads = string.IsNullOrWhiteSpace(replica) ? primary : DataSetup.Build(replica, "smpkr-read-only", prepared: true);
            var searches = DataSetup.Build(string.IsNullOrWhiteSpace(replica) ? main : replica, "smpkr-open-data-search", prepared: false);
            return new PublicationSources(primary, reads, searches);
        });
        builder.Services.AddSingleton<PublishedRecordCache>();
        builder.Services.AddSingleton<PublishedRecordLookups>();
        builder.Services.AddHostedService<PublishedRecordFollower>();
        builder.Services.AddSingleton<PublishedStore>();
        builder.Services.AddSingleton<HttpCaching>();
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

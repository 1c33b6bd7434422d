using Npgsql;
using Smpkr.Api.Data;

namespace Smpkr.Api.Search;

internal static class SearchSetup
{
    private const string SearchSource = "search";

    /// <summary>The search service shared by the register API and the open-data API.</summary>
    public static void AddSearch(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SearchableTypes>();

        // Searches run on a pool of their own without prepared statements (see DataSetup.CreateDataSource).
        builder.Services.AddKeyedSingleton(SearchSource, (sp, _) => DataSetup.CreateDataSource(sp.GetRequiredService<IConfiguration>(), prepared: false));
        // Each replica's copy of the search entries, loaded in the background once a search needs it and kept up
        // to date from the primary (the pool with prepared statements: it runs the same few statements).
        builder.Services.AddSingleton(sp => new SearchMirror(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<ILogger<SearchMirror>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SearchMirror>());
        builder.Services.AddSingleton(sp => new RegisterSearch(sp.GetRequiredKeyedService<NpgsqlDataSource>(SearchSource), sp.GetRequiredService<SearchMirror>()));
    }

    /// <summary>Search entries for records that have none yet (a database from before search); a quick no-op otherwise.</summary>
    public static async Task IndexUnsearchedRecordsAsync(this WebApplication app)
    {
        // Where migrations are a deployment step, so is this; the service then starts without touching the database.
        if (!app.Configuration.GetValue("Database:MigrateOnStartup", app.Environment.IsDevelopment()))
        {
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmpkrDbContext>();
        var types = scope.ServiceProvider.GetRequiredService<SearchableTypes>();
        var added = await SearchIndex.AddMissingAsync(db, types.FieldsOf, app.Lifetime.ApplicationStopping);
        if (added > 0)
        {
            app.Logger.LogInformation("Indexed {Count} register records for search", added);
        }
    }
}

using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Smpkr.Api.Data;
using Smpkr.Api.Search;

namespace Smpkr.Api.Hosting;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the database answers and every
/// migration is applied; it also says whether this replica's search entries are loaded into memory
/// (healthy either way: until they are, searches run in PostgreSQL). Both anonymous, both plain JSON
/// (a health report, not a problem).
/// </summary>
internal static class Health
{
    private const string ReadyTag = "ready";

    public static void AddHealth(this WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<SearchMemoryCheck>("search", tags: [ReadyTag]);

    public static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().DisableRateLimiting();
    }

    /// <summary>The migrations this build carries, found by their attributes, in order.</summary>
    internal static string[] KnownMigrations() => typeof(SmpkrDbContext).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(SmpkrDbContext))
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
        .OfType<string>()
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        }, cancellationToken: context.RequestAborted);
    }

    private sealed class SearchMemoryCheck(SearchMirror mirror) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy(
                mirror.Ready ? $"Search entries in memory: {mirror.Entries}." : mirror.Enabled ? "Search entries not in memory yet (they load once a search needs them); searches run in PostgreSQL meanwhile." : "Searches run in PostgreSQL (Search:Memory is off).",
                new Dictionary<string, object> { ["inMemory"] = mirror.Ready, ["entries"] = mirror.Entries }));
    }

    /// <summary>
    /// Reads the migrations history with one plain statement (its columns snake_case like every other,
    /// <see cref="SmpkrDbContext.Configure"/>) and compares it with the migrations this build carries
    /// (<see cref="KnownMigrations"/>). It does not build the EF Core model, so a freshly started replica
    /// is ready as soon as the database answers (docs/benchmarks.md, "Start-up").
    /// </summary>
    private sealed class DatabaseReadyCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        private static readonly Lazy<string[]> Known = new(KnownMigrations);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var applied = new HashSet<string>(StringComparer.Ordinal);
                await using (var command = dataSource.CreateCommand($"SELECT migration_id FROM \"{HistoryRepository.DefaultTableName}\""))
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        applied.Add(reader.GetString(0));
                    }
                }

                return Ready(applied);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return Ready([]); // no history table yet: nothing applied
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"Database unreachable: {e.GetType().Name}.");
            }
        }

        private static HealthCheckResult Ready(HashSet<string> applied)
        {
            var pending = Known.Value.Where(id => !applied.Contains(id)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy("Database reachable; all migrations applied.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}.");
        }
    }
}

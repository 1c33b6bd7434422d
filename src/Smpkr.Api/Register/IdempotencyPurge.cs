using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Data;

namespace Smpkr.Api.Register;

/// <summary>
/// Deletes stored first responses once their <see cref="Idempotency.Retention"/> has passed, every
/// <c>Register:IdempotencyPurgeMinutes</c> (60; 0 = never). A retry after that is a new request, so
/// nothing reads them any more; without this they would pile up for ever. Every replica runs it;
/// deleting what another replica already deleted is harmless.
/// </summary>
internal sealed partial class IdempotencyPurge(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<IdempotencyPurge> logger)
    : BackgroundService
{
    /// <summary>Deletes every stored response older than the retention; returns how many.</summary>
    public static Task<int> PurgeAsync(SmpkrDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var expired = clock.GetUtcNow() - Idempotency.Retention;
        return db.IdempotentResponses.Where(i => i.CreatedAt <= expired).ExecuteDeleteAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = configuration.GetValue("Register:IdempotencyPurgeMinutes", 60);
        if (minutes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var deleted = await PurgeAsync(scope.ServiceProvider.GetRequiredService<SmpkrDbContext>(), clock, stoppingToken);
                if (deleted > 0)
                {
                    LogPurged(logger, deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPurgeFailed(logger, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Deleted {Count} expired idempotent responses")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Expired idempotent responses not deleted: {Error}")]
    private static partial void LogPurgeFailed(ILogger logger, string error);
}

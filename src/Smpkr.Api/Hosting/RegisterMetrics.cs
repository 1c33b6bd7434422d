using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Smpkr.Api.Data;

namespace Smpkr.Api.Hosting;

/// <summary>
/// The register's own metrics (meter <c>Smpkr.Api</c>). Gauges report the last values that
/// <see cref="RefreshAsync"/> read from the database, never query in the exporter's callback.
/// Another gauge is one field in <see cref="Snapshot"/>, one query in <see cref="RefreshAsync"/>
/// and one <c>CreateObservableGauge</c> line in the constructor.
/// </summary>
internal sealed class RegisterMetrics : IDisposable
{
    public const string MeterName = "Smpkr.Api";

    private readonly Meter _meter;
    private volatile Snapshot _last = Snapshot.Empty;

    private readonly TimeProvider _clock;

    public RegisterMetrics(IMeterFactory meterFactory, TimeProvider clock)
    {
        _clock = clock;
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("smpkr.records", ObserveRecords, unit: "{record}",
            description: "Register records by object type and lifecycle status.");
        _meter.CreateObservableGauge("smpkr.metrics.age", ObserveAge, unit: "s", description: "Seconds since the register's gauges were last read from the database.");
        _meter.CreateObservableGauge("smpkr.feed.head", () => _last.Feed is { } feed ? [new Measurement<long>(feed.Head)] : Array.Empty<Measurement<long>>(),
            unit: "{entry}", description: "The change feed's head cursor on the primary (the number of published changes).");
        _meter.CreateObservableGauge("smpkr.feed.replica_lag", () => _last.Feed is { } feed ? [new Measurement<long>(feed.Head - feed.ReadHead)] : Array.Empty<Measurement<long>>(),
            unit: "{entry}", description: "Feed entries the open-data read source (the read replica, when configured) has not replayed yet; 0 without a replica.");
        _meter.CreateObservableGauge("smpkr.feed.last_change_age", () => _last.Feed?.LastChangeAt is { } at && _last.ReadAt is { } read
                ? [new Measurement<double>((read - at).TotalSeconds)] : Array.Empty<Measurement<double>>(),
            unit: "s", description: "Seconds between the last published change and the last refresh of these gauges.");
    }

    /// <summary>Reads every gauge's value from the database in one short read.</summary>
    public async Task RefreshAsync(SmpkrDbContext db, Publication.PublishedStore? published, CancellationToken cancellationToken)
    {
        FeedState? feed = null;
        if (published is not null)
        {
            var primary = await published.HeadAsync(fromPrimary: true, cancellationToken);
            var read = await published.HeadAsync(fromPrimary: false, cancellationToken);
            feed = new FeedState(primary.Head, read.Head, primary.LastChangeAt);
        }

        var records = await db.Records.AsNoTracking()
            .GroupBy(r => new { r.ObjectType, r.Status })
            .Select(g => new { g.Key.ObjectType, g.Key.Status, Count = g.LongCount() })
            .ToListAsync(cancellationToken);

        _last = new Snapshot(
            _clock.GetUtcNow(),
            records.Select(r => (r.ObjectType, Status: r.Status.ToString().ToLowerInvariant(), r.Count)).ToList(),
            feed);
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveRecords() =>
        _last.Records.Select(r => new Measurement<long>(r.Count,
            new KeyValuePair<string, object?>("type", r.Type), new KeyValuePair<string, object?>("status", r.Status)));

    private IEnumerable<Measurement<double>> ObserveAge() =>
        _last.ReadAt is { } at ? [new Measurement<double>((_clock.GetUtcNow() - at).TotalSeconds)] : [];

    private sealed record Snapshot(DateTimeOffset? ReadAt, IReadOnlyList<(string Type, string Status, long Count)> Records, FeedState? Feed)
    {
        public static readonly Snapshot Empty = new(null, [], null);
    }

    private sealed record FeedState(long Head, long ReadHead, DateTimeOffset? LastChangeAt);
}

/// <summary>Refreshes <see cref="RegisterMetrics"/> every <c>Telemetry:MetricsRefreshSeconds</c> (60 by default).</summary>
internal sealed partial class RegisterMetricsRefresh(
    RegisterMetrics metrics, IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<RegisterMetricsRefresh> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration.GetValue("Telemetry:MetricsRefreshSeconds", 60);
        if (seconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await metrics.RefreshAsync(scope.ServiceProvider.GetRequiredService<SmpkrDbContext>(),
                    scope.ServiceProvider.GetService<Publication.PublishedStore>(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The gauges keep their last values; smpkr.metrics.age shows how old they are.
                LogRefreshFailed(logger, e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Warning, "Register metrics not refreshed: {Error}")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}

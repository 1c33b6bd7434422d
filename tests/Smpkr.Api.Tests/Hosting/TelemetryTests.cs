using System.Net.Http.Json;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Smpkr.Api.Data;
using Smpkr.Api.Hosting;
using Smpkr.Api.Tests.Programmes;

namespace Smpkr.Api.Tests.Hosting;

/// <summary>With an OTLP endpoint configured: request spans carry the database's spans, and the register's gauges count what is there.</summary>
public sealed class TelemetryTests : ApiTest
{
    private readonly List<Activity> _spans = [];

    // Nothing listens there: the OTLP exporter's failures are its own business; the in-memory exporter sees the same spans.
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        [Telemetry.OtlpEndpointSetting] = "http://127.0.0.1:9",
        ["Telemetry:MetricsRefreshSeconds"] = "0",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));

    [Test]
    public async Task A_request_is_traced_with_its_database_commands_in_the_same_trace()
    {
        var response = await Registrar().GetAsync("/api/v1/programmes");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Activity? server = null;
        for (var i = 0; i < 50 && server is null; i++)
        {
            lock (_spans)
            {
                server = _spans.FirstOrDefault(s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/api/v1/programmes");
            }

            if (server is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.That(server, Is.Not.Null, "no server span for the request");
        List<Activity> database;
        lock (_spans)
        {
            database = _spans.Where(s => s.Source.Name == "Npgsql" && s.TraceId == server!.TraceId).ToList();
        }

        Assert.That(database, Is.Not.Empty, "no Npgsql span in the request's trace");
        Assert.That(database.All(s => s.Kind == ActivityKind.Client), Is.True);
    }

    [Test]
    public async Task Health_probes_are_not_traced()
    {
        Assert.That((await Anonymous().GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Anonymous().GetAsync("/open/v1/classifiers")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Task.Delay(300);

        lock (_spans)
        {
            var paths = _spans.Where(s => s.Kind == ActivityKind.Server).Select(s => (string?)s.GetTagItem("url.path")).ToList();
            Assert.That(paths, Does.Contain("/open/v1/classifiers"), "the request after the probe is traced");
            Assert.That(paths, Has.None.StartsWith("/health"));
        }
    }

    [Test]
    public async Task The_records_gauge_counts_records_by_type_and_status()
    {
        var created = await Provider().PostAsync("/api/v1/programmes", Samples.Json(Samples.Study()));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RegisterMetrics>()
                .RefreshAsync(scope.ServiceProvider.GetRequiredService<SmpkrDbContext>(), scope.ServiceProvider.GetRequiredService<Smpkr.Api.Publication.PublishedStore>(), CancellationToken.None);
        }

        Dictionary<string, long> expected;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            expected = (await scope.ServiceProvider.GetRequiredService<SmpkrDbContext>().Records
                    .GroupBy(r => new { r.ObjectType, r.Status })
                    .Select(g => new { g.Key.ObjectType, g.Key.Status, Count = g.LongCount() })
                    .ToListAsync())
                .ToDictionary(g => $"{g.ObjectType}/{g.Status.ToString().ToLowerInvariant()}", g => g.Count);
        }

        var observed = ObserveGauge("smpkr.records");
        var status = (await Anonymous().GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/open/v1/status"))!;

        Assert.That(expected, Does.ContainKey("programme/draft"));
        Assert.That(observed, Is.EquivalentTo(expected));
        Assert.That(ObserveGauge("smpkr.feed.head").Values.Single().ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(status["head"]!.GetValue<string>()));
        Assert.That(ObserveGauge("smpkr.feed.replica_lag").Values.Single(), Is.Zero, "without a replica the read source is the primary");
    }

    [Test]
    public void Without_an_endpoint_no_tracer_is_registered()
    {
        using var plain = new SmpkrApp(ConnectionString);

        Assert.Multiple(() =>
        {
            Assert.That(plain.Services.GetService<TracerProvider>(), Is.Null);
            Assert.That(App.Services.GetService<TracerProvider>(), Is.Not.Null);
        });
    }

    /// <summary>The gauge's measurements from this test's service only, keyed "type/status".</summary>
    private Dictionary<string, long> ObserveGauge(string name)
    {
        var factory = App.Services.GetRequiredService<IMeterFactory>();
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == name && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var tagMap = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            values[tagMap.Count == 0 ? string.Empty : $"{tagMap["type"]}/{tagMap["status"]}"] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}

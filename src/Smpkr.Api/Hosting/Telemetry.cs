using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Smpkr.Api.Hosting;

/// <summary>
/// Logs, traces and metrics. In Production the console log is one JSON object a line with the
/// trace and span ids of the request. OpenTelemetry (ASP.NET Core, HttpClient, Npgsql, runtime and
/// <see cref="RegisterMetrics"/>) is switched on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set,
/// so a service without a collector pays nothing for spans nobody receives.
/// </summary>
internal static class Telemetry
{
    public const string ServiceName = "smpkr-api";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsProduction())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        builder.Services.AddSingleton<RegisterMetrics>();
        builder.Services.AddHostedService<RegisterMetricsRefresh>();

        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? ServiceName,
                serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(RegisterMetrics.MeterName))
            .UseOtlpExporter();
    }
}

using System.Globalization;
using System.Threading.RateLimiting;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Hosting;

/// <summary>
/// Fair use of the open-data API: a fixed window of requests per client address, set by
/// <c>RateLimiting:OpenData:PermitLimit</c> and <c>…:WindowSeconds</c> (0 permits = no limit).
/// </summary>
internal static class RateLimits
{
    public const string OpenDataPolicy = "open-data";

    public static void AddRateLimits(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("RateLimiting:OpenData");
        builder.Services.AddRateLimiter(options =>
        {
            // Read once, on the first request (the configuration is complete by then), not on every request.
            var settings = new Lazy<(int Permits, TimeSpan Window)>(() =>
                (section.GetValue("PermitLimit", 600), TimeSpan.FromSeconds(Math.Max(1, section.GetValue("WindowSeconds", 60)))));
            options.AddPolicy(OpenDataPolicy, context =>
            {
                var (permits, window) = settings.Value;
                if (permits <= 0)
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = window,
                    QueueLimit = 0,
                });
            });
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? (int)Math.Ceiling(wait.TotalSeconds)
                    : 1;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Problem.WriteAsync(http, StatusCodes.Status429TooManyRequests,
                    $"The open-data API allows {section.GetValue("PermitLimit", 600)} requests per client in each window; retry after {retryAfter} s.");
            };
        });
    }
}

using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Hosting;

/// <summary>
/// Request bodies are limited to <c>Limits:MaxRequestBodyBytes</c> (1 MiB) unless an endpoint
/// declares its own limit (batches do). A declared Content-Length over the limit is refused with
/// 413 before anything is read; a streamed body is cut off by the server at the same limit.
/// </summary>
internal static class RequestLimits
{
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    public static void AddRequestLimits(this WebApplicationBuilder builder)
    {
        var limit = builder.Configuration.GetValue("Limits:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        builder.Services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = limit);
    }

    public static void UseRequestLimits(this WebApplication app)
    {
        var defaultLimit = app.Configuration.GetValue("Limits:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultLimit;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            if (context.Request.ContentLength > limit)
            {
                await Problem.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                    $"The request body has {context.Request.ContentLength} bytes; this endpoint accepts at most {limit}.");
                return;
            }

            await next(context);
        });
    }
}

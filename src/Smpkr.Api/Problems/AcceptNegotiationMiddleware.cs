using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Smpkr.Api.Problems;

/// <summary>
/// Answers 406 when the Accept header rules out every media type an endpoint declares it produces,
/// instead of silently sending JSON to a client that said it cannot read it.
/// </summary>
internal sealed class AcceptNegotiationMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var accept = context.Request.Headers.Accept;
        var endpoint = context.GetEndpoint();
        if (accept.Count == 0 || endpoint is null)
        {
            await next(context);
            return;
        }

        var produced = endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>()
            .Where(m => m.StatusCode is >= 200 and < 300)
            // Typed results leave ContentTypes empty and mean JSON, as the API explorer reads them.
            .SelectMany(m => m.ContentTypes.Any() ? m.ContentTypes : m.Type is null ? [] : ["application/json"])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (produced.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var ranges))
        {
            await next(context);
            return;
        }

        var acceptable = produced.Any(type =>
        {
            var candidate = MediaTypeHeaderValue.Parse(type);
            return ranges.Any(range => range.Quality is not 0 && candidate.IsSubsetOf(range));
        });
        if (acceptable)
        {
            await next(context);
            return;
        }

        await Problem.WriteAsync(context, StatusCodes.Status406NotAcceptable,
            $"This endpoint produces {string.Join(", ", produced)}; the Accept header allows none of them.");
    }
}

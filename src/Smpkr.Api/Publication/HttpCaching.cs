using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Smpkr.Api.Publication;

/// <summary>
/// Validators and freshness of open data: a strong <c>ETag</c> per representation, <c>Last-Modified</c>,
/// <c>Cache-Control: public</c> and <c>If-None-Match</c> → 304 (checked before any body is produced).
/// </summary>
public sealed class HttpCaching(IConfiguration configuration)
{
    private readonly Lazy<string> _cacheControl = new(() =>
        $"public, max-age={Math.Max(0, configuration.GetValue("OpenData:MaxAgeSeconds", 60)).ToString(CultureInfo.InvariantCulture)}");

    /// <summary>How long a shared cache may reuse an answer (<c>OpenData:MaxAgeSeconds</c>, default 60), read once.</summary>
    public string CacheControl => _cacheControl.Value;

    /// <summary>A short fingerprint of what the request asked for: path, query and format.</summary>
    public static string Fingerprint(HttpRequest request, OpenFormat format)
    {
        var text = $"{request.Path}{request.QueryString}|{format}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
    }

    /// <summary>
    /// Sets the validators and freshness headers; true (and status 304) when the client's copy is current.
    /// <paramref name="immutable"/> marks an answer that can never change (a full feed page).
    /// </summary>
    public bool NotModified(HttpContext http, string tag, DateTimeOffset? lastModified, bool immutable = false)
    {
        var etag = $"\"{tag}\"";
        var headers = http.Response.Headers;
        headers.ETag = etag;
        if (lastModified is { } modified)
        {
            headers.LastModified = modified.ToString("R", CultureInfo.InvariantCulture);
        }

        headers.CacheControl = immutable ? "public, max-age=31536000, immutable" : CacheControl;
        headers.Vary = "Accept, Accept-Encoding";

        if (!EntityTagHeaderValue.TryParseList(http.Request.Headers.IfNoneMatch, out var tags))
        {
            return false;
        }

        // If-None-Match uses the weak comparison (RFC 9110 §13.1.2).
        var current = new EntityTagHeaderValue(etag);
        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false)))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }

        return false;
    }
}

/// <summary>
/// Validators for open-data answers that are plain values (classifiers): the ETag is a hash of the
/// JSON sent, so <c>If-None-Match</c> gets 304 for those too. Answers written by the publication
/// endpoints themselves already carry their validators and pass through.
/// </summary>
public sealed class ContentValidators(HttpCaching caching, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var answer = result is INestedHttpResult nested ? nested.Result : result;
        if (answer is not IValueHttpResult { Value: { } value } || answer is IStatusCodeHttpResult { StatusCode: not (null or StatusCodes.Status200OK) })
        {
            return result;
        }

        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json.Value.SerializerOptions);
        var tag = "j" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
        return caching.NotModified(context.HttpContext, tag, null)
            ? Results.Empty
            : Results.Bytes(bytes, "application/json; charset=utf-8");
    }
}

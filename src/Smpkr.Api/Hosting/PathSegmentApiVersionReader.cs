using Asp.Versioning;

namespace Smpkr.Api.Hosting;

/// <summary>
/// Reads the API version from the path's second segment (<c>/api/v1/…</c>, <c>/open/v1/…</c>), where
/// the routes name it literally. Asp.Versioning's URL-segment reader needs a <c>{version:apiVersion}</c>
/// route parameter, and with one its matcher parsed a route template on every request: about 8 % of the
/// CPU of an open-data read by code in a profile (docs/benchmarks.md). The URLs are the same.
/// </summary>
internal sealed class PathSegmentApiVersionReader : IApiVersionReader
{
    public IReadOnlyList<string> Read(HttpRequest request)
    {
        var path = request.Path.Value.AsSpan();
        if (path.Length < 2 || path[0] != '/')
        {
            return [];
        }

        var rest = path[1..];
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            return [];
        }

        var segment = rest[(slash + 1)..];
        var end = segment.IndexOf('/');
        segment = end < 0 ? segment : segment[..end];
        return segment.Length > 1 && segment[0] is 'v' or 'V' && char.IsAsciiDigit(segment[1]) ? [segment[1..].ToString()] : [];
    }

    /// <summary>Nothing to describe: the version is part of every documented path, not a parameter.</summary>
    public void AddParameters(IApiVersionParameterDescriptionContext context)
    {
    }
}

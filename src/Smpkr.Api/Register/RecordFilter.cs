using System.Buffers.Text;
using Smpkr.Api.Problems;

namespace Smpkr.Api.Register;

/// <summary>The filters and page position of a record list, with the opaque cursor it continues from.</summary>
public sealed record RecordFilter(string[]? Kinds, RecordStatus[]? Statuses, string[]? Providers, Guid? After, int Limit, Func<Guid, Uri> NextPage)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>A cursor is the base64url of the last id of the previous page.</summary>
    public static string CursorFor(Guid lastId) => Base64Url.EncodeToString(lastId.ToByteArray(bigEndian: true));

    public static bool TryReadCursor(string? cursor, out Guid? after)
    {
        after = null;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        if (cursor.Length != 22)
        {
            return false;
        }

        var bytes = new byte[16];
        if (!Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != 16)
        {
            return false;
        }

        after = new Guid(bytes, bigEndian: true);
        return true;
    }
}

/// <summary>Links between pages of a keyset-paginated list, and the checks of its paging parameters.</summary>
public static class Pages
{
    /// <summary>The page size asked for, or the default; an out-of-range one is added to <paramref name="errors"/>.</summary>
    public static int Limit(int? limit, List<FieldError> errors)
    {
        if (limit is < 1 or > RecordFilter.MaxLimit)
        {
            errors.Add(new FieldError("limit", "limit.out-of-range", $"Use 1–{RecordFilter.MaxLimit}."));
        }

        return limit ?? RecordFilter.DefaultLimit;
    }

    /// <summary>A cursor over an increasing sequence number (the audit log): the last number seen.</summary>
    public static long SequenceCursor(string? cursor, List<FieldError> errors)
    {
        if (cursor is null)
        {
            return 0;
        }

        if (!long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var after))
        {
            errors.Add(new FieldError("cursor", "cursor.invalid", "This cursor was not issued by this list; start again without it."));
        }

        return after;
    }

    /// <summary>The current request's URL with <c>cursor</c> replaced; also sent as <c>Link: rel="next"</c>.</summary>
    public static Uri Next(HttpContext http, string cursor) => NextWith(http, "cursor", cursor);

    /// <summary>The current request's URL with the query parameter <paramref name="name"/> set to <paramref name="value"/>, sent as <c>Link: rel="next"</c>.</summary>
    public static Uri NextWith(HttpContext http, string name, string value)
    {
        var request = http.Request;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.QueryString.Value);
        query[name] = value;
        var pairs = query.SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? string.Empty)}"));
        var next = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join('&', pairs)}");
        http.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        return next;
    }
}
